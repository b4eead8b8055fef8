// chatd's chat page: the plain protocol over a WebSocket, one line per text
// frame. Everything shown is text (textContent), never HTML; only http(s) URLs
// become links.
'use strict';

const MAX_LINES = 2000;            // lines kept in the page
const MAX_LINE_BYTES = 4096;       // chatd's default --max-line-bytes
const BACKOFF_MS = [1000, 30000];  // reconnect: first and longest wait
const NICK_RETRY_MS = 5000;        // a reconnect's nick may still be the old session's
const NICK_RETRIES = 12;
const HISTORY = 100;               // lines Up and Down walk through

const $ = (id) => document.getElementById(id);
const log = $('log');
const say = $('say');
const nickInput = $('nick-input');
const status = $('status');
const more = $('more');
const limit = $('limit');
const encoder = new TextEncoder();

// Per tab, so a reload or a reconnect restores who and where the user was.
const saved = {
  get nick() { return sessionStorage.getItem('chatd.nick'); },
  set nick(v) { sessionStorage.setItem('chatd.nick', v); },
  get room() { return sessionStorage.getItem('chatd.room'); },
  set room(v) { if (v) sessionStorage.setItem('chatd.room', v); else sessionStorage.removeItem('chatd.room'); },
  forgetRoom() { sessionStorage.removeItem('chatd.room'); },
};

let socket = null;
let nick = null;
let room = null;
let wantedNick = saved.nick;
let wantedRoom = saved.room;
let attempt = 0;
let nickRetries = 0;  // left for this connection's restore of the nick
let unread = 0;
const sent = [];
let recall = 0;

function setStatus(text, online) {
  status.textContent = text;
  status.classList.toggle('online', online);
}

function showWhere() {
  $('nick').textContent = nick || '…';
  $('room').textContent = room || 'no room';
  if (nick && document.activeElement !== nickInput) nickInput.value = nick;
}

function nickColour(name) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return `hsl(${h % 360} 65% var(--nick-lightness, 40%))`;
}

// Text with its http(s) URLs as links; anything else stays text.
function appendText(parent, text) {
  const url = /\bhttps?:\/\/[^\s<>"']+/gi;
  let at = 0;
  for (const m of text.matchAll(url)) {
    let href = m[0].replace(/[.,;:!?)\]]+$/, '');
    parent.append(text.slice(at, m.index));
    const a = document.createElement('a');
    a.href = href;
    a.textContent = href;
    a.rel = 'noopener noreferrer nofollow';
    a.target = '_blank';
    parent.append(a);
    at = m.index + href.length;
  }
  parent.append(text.slice(at));
}

function span(cls, text, colourOf) {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  if (colourOf) s.style.color = nickColour(colourOf);
  return s;
}

// The line's kind from the plain protocol's prefixes ("*** " server, "! "
// error, "<nick> " message, "* nick " action, "*nick* " private to us,
// "-> *nick* " private from us, "-nick- " notice). Nicks hold no space, '>'
// or '*', so the prefixes parse.
function parse(line) {
  let m;
  if (line.startsWith('*** ')) return { kind: 'server', text: line };
  if (line.startsWith('! ')) return { kind: 'error', text: line };
  if ((m = /^<([^ >]+)> (.*)$/s.exec(line))) return { kind: 'message', who: m[1], text: m[2] };
  if ((m = /^\* ([^ ]+) (.*)$/s.exec(line))) return { kind: 'action', who: m[1], text: m[2] };
  if ((m = /^-> \*([^ *]+)\* (.*)$/s.exec(line))) return { kind: 'private sent', who: m[1], text: m[2] };
  if ((m = /^\*([^ *]+)\* (.*)$/s.exec(line))) return { kind: 'private', who: m[1], text: m[2] };
  if ((m = /^-([^ -][^ ]*)- (.*)$/s.exec(line))) return { kind: 'notice', who: m[1], text: m[2] };
  return { kind: 'plain', text: line };
}

function mentions(text) {
  if (!nick) return false;
  const escaped = nick.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w-])${escaped}($|[^\\w-])`, 'i').test(text);
}

function atBottom() {
  return log.scrollHeight - log.scrollTop - log.clientHeight < 24;
}

function show(line, own = false) {
  // A room's recent lines, replayed on joining, carry their time (UTC).
  const replayed = /^\[(\d\d:\d\d)\] (.*)$/s.exec(line);
  const p = parse(replayed ? replayed[2] : line);
  const follow = atBottom();
  const row = document.createElement('p');
  row.className = `line ${p.kind}${own ? ' own' : ''}${replayed ? ' replayed' : ''}`;
  const time = document.createElement('time');
  time.className = 'time';
  if (replayed) {
    time.textContent = `${replayed[1]} UTC`;
  } else {
    const now = new Date();
    time.dateTime = now.toISOString();
    time.textContent = now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  row.append(time);
  switch (p.kind) {
    case 'message':
      row.append('<', span('nick', p.who, p.who), '> ');
      break;
    case 'action':
      row.append('* ', span('nick', p.who, p.who), ' ');
      break;
    case 'private':
      row.append('*', span('nick', p.who, p.who), '* ');
      break;
    case 'private sent':
      row.append('-> *', span('nick', p.who, p.who), '* ');
      break;
    case 'notice':
      row.append('-', span('nick', p.who, p.who), '- ');
      break;
  }
  appendText(row, p.text);
  if (!own && p.who && p.who !== nick && (p.kind === 'private' || mentions(p.text))) {
    row.classList.add('mention');
  }
  log.append(row);
  while (log.childElementCount > MAX_LINES) log.firstElementChild.remove();
  if (follow) {
    log.scrollTop = log.scrollHeight;
  } else {
    more.hidden = false;
  }
  if (document.hidden && !own) {
    unread += 1;
    document.title = `(${unread}) chatd`;
  }
}

// What the server's lines say about us: our nick and our room.
function learn(line) {
  let m;
  if ((m = /^\*\*\* welcome to chatd, you are (\S+)(?: in (\S+))?/.exec(line))) {
    nick = m[1];
    room = m[2] || null;
    nickRetries = NICK_RETRIES;
    if (wantedNick && wantedNick !== nick) send(`/nick ${wantedNick}`);
    if (wantedRoom && wantedRoom !== room) send(`/join ${wantedRoom}`);
  } else if ((m = /^\*\*\* (\S+) is now known as (\S+)$/.exec(line)) && m[1] === nick) {
    nick = m[2];
    wantedNick = nick;
    saved.nick = nick;
  } else if ((m = /^\*\*\* (\S+) joined (\S+)$/.exec(line)) && m[1] === nick) {
    room = m[2];
    wantedRoom = room;
    saved.room = room;
  } else if ((m = /^\*\*\* you were kicked from (\S+)/.exec(line)) && m[1] === room) {
    room = null;
    wantedRoom = null;
    saved.forgetRoom();
  } else if (/^! nick taken/.test(line) && wantedNick !== nick && nickRetries > 0) {
    // After a dropped connection the old session holds the nick until chatd
    // notices it is gone: ask again in a while.
    nickRetries -= 1;
    const again = wantedNick;
    setTimeout(() => { if (wantedNick === again && nick !== again) send(`/nick ${again}`); },
      NICK_RETRY_MS);
  } else if (/^! (nick taken|invalid nick)/.test(line)) {
    wantedNick = nick;  // the nick the user has is the one to restore
  }
  showWhere();
}

function send(text) {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(text);
  return true;
}

// A typed line: sent as it is (commands included); chatd does not echo, so the
// page shows our own messages and actions itself.
function submit(text) {
  if (text === '') return;
  if (encoder.encode(text).length > MAX_LINE_BYTES) {
    limit.textContent = `That line is over ${MAX_LINE_BYTES} bytes; chatd would drop it.`;
    return;
  }
  if (!send(text)) {
    limit.textContent = 'Not connected: the line was not sent.';
    return;
  }
  sent.push(text);
  if (sent.length > HISTORY) sent.shift();
  recall = sent.length;
  const me = nick || 'me';
  if (text.startsWith('/me ')) {
    if (room) show(`* ${me} ${text.slice(4)}`, true);
  } else if (text.startsWith('//')) {
    if (room) show(`<${me}> ${text.slice(1)}`, true);
  } else if (!text.startsWith('/') && room) {
    show(`<${me}> ${text}`, true);
  }
}

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  socket = new WebSocket(`${scheme}${location.host}/ws`);
  setStatus(attempt === 0 ? 'connecting…' : 'reconnecting…', false);
  socket.addEventListener('open', () => {
    attempt = 0;
    setStatus('connected', true);
  });
  socket.addEventListener('message', (e) => {
    if (typeof e.data !== 'string') return;
    for (const line of e.data.split('\n')) {
      learn(line);
      show(line);
    }
  });
  socket.addEventListener('close', (e) => {
    socket = null;
    if (e.code === 1000) {  // a /quit (or a removal): coming back is the user's choice
      setStatus('you left the chat', false);
      $('rejoin').hidden = false;
      return;
    }
    const wait = Math.min(BACKOFF_MS[1], BACKOFF_MS[0] * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    const why = e.reason ? ` (${e.reason})` : '';
    setStatus(`disconnected${why}; retrying in ${Math.round(wait / 1000)} s`, false);
    setTimeout(connect, wait);
  });
}

$('say-form').addEventListener('submit', (e) => {
  e.preventDefault();
  submit(say.value);
  say.value = '';
  limit.textContent = '';
});

say.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowUp' && recall > 0) {
    recall -= 1;
    say.value = sent[recall];
    e.preventDefault();
  } else if (e.key === 'ArrowDown' && recall < sent.length) {
    recall += 1;
    say.value = recall < sent.length ? sent[recall] : '';
    e.preventDefault();
  }
});

say.addEventListener('input', () => {
  const n = encoder.encode(say.value).length;
  limit.textContent = n > MAX_LINE_BYTES * 0.9 ? `${n} of ${MAX_LINE_BYTES} bytes` : '';
});

// A pasted block is sent line by line (chatd's flood control paces, never drops).
say.addEventListener('paste', (e) => {
  const text = e.clipboardData.getData('text');
  if (!text.includes('\n')) return;
  e.preventDefault();
  const lines = text.replace(/\r/g, '').split('\n');
  const before = say.value.slice(0, say.selectionStart);
  const after = say.value.slice(say.selectionEnd);
  lines[0] = before + lines[0];
  say.value = lines.pop() + after;
  for (const line of lines) submit(line);
});

$('nick-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const wanted = nickInput.value.trim();
  if (wanted === '' || wanted === nick) return;
  wantedNick = wanted;
  nickRetries = 0;  // a nick the user picks now is theirs to retry
  send(`/nick ${wanted}`);
  say.focus();
});

$('rejoin').addEventListener('click', () => {
  $('rejoin').hidden = true;
  attempt = 0;
  connect();
  say.focus();
});

log.addEventListener('scroll', () => {
  if (atBottom()) more.hidden = true;
});

more.addEventListener('click', () => {
  log.scrollTop = log.scrollHeight;
  more.hidden = true;
  say.focus();
});

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    unread = 0;
    document.title = 'chatd';
  }
});

connect();
say.focus();
