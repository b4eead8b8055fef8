// RespReader: hiredis's reply parser, building RespValue nodes through its
// object functions. Children are written into the element vector their parent
// sized when it was created, so pointers to them stay valid while it fills.
#include "reactor/redis/resp_reader.h"

#include <hiredis/read.h>

namespace chatd::reactor {
namespace {

RespValue* place(const redisReadTask* task, RespValue::Type type) {
  RespValue* v = nullptr;
  if (task->parent != nullptr) {
    auto* parent = static_cast<RespValue*>(task->parent->obj);
    v = &parent->elements[static_cast<std::size_t>(task->idx)];
  } else {
    v = new RespValue;
  }
  v->type = type;
  return v;
}

void* create_string(const redisReadTask* task, char* str, std::size_t len) {
  const RespValue::Type type = task->type == REDIS_REPLY_ERROR    ? RespValue::Type::kError
                               : task->type == REDIS_REPLY_STATUS ? RespValue::Type::kStatus
                                                                  : RespValue::Type::kString;
  RespValue* v = place(task, type);
  v->str.assign(str, len);
  return v;
}

void* create_array(const redisReadTask* task, int elements) {
  RespValue* v = place(task, RespValue::Type::kArray);
  v->elements.resize(static_cast<std::size_t>(elements));
  return v;
}

void* create_integer(const redisReadTask* task, long long value) {
  RespValue* v = place(task, RespValue::Type::kInteger);
  v->integer = value;
  return v;
}

void* create_nil(const redisReadTask* task) {
  return place(task, RespValue::Type::kNil);
}

// hiredis frees only the root of a reply it gives up on.
void free_object(void* obj) {
  delete static_cast<RespValue*>(obj);
}

redisReplyObjectFunctions kFunctions = {create_string, create_array, create_integer, create_nil,
                                        free_object};

}  // namespace

std::string_view RespValue::text_at(std::size_t i) const {
  if (i >= elements.size() || !elements[i].is_string()) return {};
  return elements[i].str;
}

void RespReader::Free::operator()(redisReader* r) const {
  redisReaderFree(r);
}

RespReader::RespReader() : reader_(redisReaderCreateWithFunctions(&kFunctions)) {}

RespReader::~RespReader() = default;

void RespReader::reset() {
  reader_.reset(redisReaderCreateWithFunctions(&kFunctions));
  error_.clear();
}

bool RespReader::feed(const char* data, std::size_t n) {
  if (!error_.empty()) return false;
  if (redisReaderFeed(reader_.get(), data, n) != REDIS_OK) {
    error_ = reader_->errstr;
    return false;
  }
  return true;
}

std::optional<RespValue> RespReader::next() {
  if (!error_.empty()) return std::nullopt;
  void* reply = nullptr;
  if (redisReaderGetReply(reader_.get(), &reply) != REDIS_OK) {
    error_ = reader_->errstr[0] != '\0' ? reader_->errstr : "malformed reply";
    return std::nullopt;
  }
  if (reply == nullptr) return std::nullopt;
  std::unique_ptr<RespValue> owned(static_cast<RespValue*>(reply));
  return std::move(*owned);
}

}  // namespace chatd::reactor
