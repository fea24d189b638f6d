#include "base/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "base/batch_writer.h"
#include "base/clock.h"
#include "base/encoding.h"
#include "base/time_format.h"

namespace irsa::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::mutex g_mu;
std::function<void(std::string_view)>* g_sink = nullptr;  // guarded by g_mu
std::atomic<bool> g_has_sink{false};

// The default output: stderr through a BatchWriter, created on first use and never destroyed
// (threads may log during static destruction); flushed at exit.
BatchWriter& StderrWriter() {
  static BatchWriter* writer = [] {
    auto* w = new BatchWriter(STDERR_FILENO);
    std::atexit([] { Flush(); });
    return w;
  }();
  return *writer;
}

void Emit(std::string_view line) {
  if (g_has_sink.load(std::memory_order_acquire)) {
    std::lock_guard lock(g_mu);
    if (g_sink) {
      (*g_sink)(line);
      return;
    }
  }
  StderrWriter().Append(line);
}

constexpr std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

bool ParseLevel(std::string_view text, Level& out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (text == LevelName(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

void SetLevel(Level level) { g_level = static_cast<int>(level); }
Level GetLevel() { return static_cast<Level>(g_level.load()); }
bool Enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

void SetSink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(g_mu);
  delete g_sink;
  g_sink = sink ? new std::function<void(std::string_view)>(std::move(sink)) : nullptr;
  g_has_sink.store(g_sink != nullptr, std::memory_order_release);
}

void Flush() { StderrWriter().Flush(); }

void Write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  std::string line = "{\"ts\":\"";
  line += FormatIso8601Millis(SystemClock::Instance().Now());
  line += "\",\"level\":\"";
  line += LevelName(level);
  line += "\",\"msg\":\"";
  AppendJsonEscaped(line, message);
  line += '"';
  for (const auto& [key, value] : fields) {
    line += ",\"";
    AppendJsonEscaped(line, key);
    line += "\":\"";
    AppendJsonEscaped(line, value);
    line += '"';
  }
  line += '}';
  Emit(line);
}

void WriteRaw(std::string_view json_line) { Emit(json_line); }

}  // namespace irsa::log
