// Structured logging: one JSON object per line on stderr (or a configured sink).
// Never pass secrets (secret keys, session tokens, JWTs, private keys) as field values.
//
// Lines to stderr go through a BatchWriter (base/batch_writer.h): they appear within ~20 ms, in
// order, whole; Flush() (also run at exit) writes everything logged so far. A process killed
// with SIGKILL loses at most the last ~20 ms of lines.
//
// Thread-safety: all functions are safe to call concurrently; each line is written atomically.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace irsa::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// Parses "debug" | "info" | "warn" | "error"; returns false on anything else.
bool ParseLevel(std::string_view text, Level& out);
void SetLevel(Level level);
Level GetLevel();
bool Enabled(Level level);

// Replaces the output (default: stderr). The sink receives complete lines without '\n'.
void SetSink(std::function<void(std::string_view line)> sink);

using Field = std::pair<std::string_view, std::string_view>;

// {"ts":"…","level":"info","msg":"…","k":"v",…}
void Write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, m, f);
}
inline void Info(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warn(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, m, f);
}
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kError, m, f);
}

// Writes a pre-rendered JSON line (e.g. the access log) through the sink, unconditionally.
void WriteRaw(std::string_view json_line);

// Returns once every line logged before the call has been written to stderr.
void Flush();

}  // namespace irsa::log
