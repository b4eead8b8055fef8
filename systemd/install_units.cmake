# Run by `cmake --install`: installs chatd.service and the chatd@.service
# template with ExecStart= and --config naming where this install puts chatd
# and its config, chatd.socket,
# chatd-irc.socket, chatd-ircs.socket, chatd-metrics.socket and chatd-web.socket, and the example config unless a chatd.toml is already there (an operator's edits win).
# file(INSTALL) adds $DESTDIR itself.

# A directory from GNUInstallDirs or the cache: relative ones are under the
# prefix, except that prefix /usr keeps its config in /etc (as GNUInstallDirs).
function(chatd_full_path out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr" AND dir STREQUAL "etc")
    set(${out} "/etc" PARENT_SCOPE)
  else()
    set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
  endif()
endfunction()

chatd_full_path(bindir "${CHATD_BINDIR}")
chatd_full_path(sysconfdir "${CHATD_SYSCONFDIR}")
chatd_full_path(unitdir "${CHATD_UNITDIR}")
set(config "${sysconfdir}/chatd/chatd.toml")

# One staging file per destination: installs to two prefixes may run at once.
string(MD5 destination "$ENV{DESTDIR}${unitdir}|${bindir}|${config}")
foreach(unit chatd.service chatd@.service)
  file(READ "${CHATD_UNITS_SOURCE_DIR}/${unit}" service)
  string(REPLACE "/usr/bin/chatd" "${bindir}/chatd" service "${service}")
  string(REPLACE "/etc/chatd/chatd.toml" "${config}" service "${service}")
  set(staged "${CHATD_STAGE_DIR}/staged-${destination}/${unit}")
  file(WRITE "${staged}" "${service}")
  file(INSTALL "${staged}" DESTINATION "${unitdir}"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endforeach()
file(INSTALL "${CHATD_UNITS_SOURCE_DIR}/chatd.socket" "${CHATD_UNITS_SOURCE_DIR}/chatd-irc.socket"
     "${CHATD_UNITS_SOURCE_DIR}/chatd-ircs.socket"
     "${CHATD_UNITS_SOURCE_DIR}/chatd-metrics.socket"
     "${CHATD_UNITS_SOURCE_DIR}/chatd-web.socket" DESTINATION "${unitdir}" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

if(EXISTS "$ENV{DESTDIR}${config}")
  message(STATUS "Keeping existing: $ENV{DESTDIR}${config}")
else()
  file(INSTALL "${CHATD_UNITS_SOURCE_DIR}/chatd.toml" DESTINATION "${sysconfdir}/chatd"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endif()
