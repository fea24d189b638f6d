#include "policy/variables.h"

#include "base/strings.h"

namespace irsa::policy {

Template Template::Parse(std::string_view text, bool variables_enabled) {
  Template result;
  auto add_text = [&](std::string_view part) {
    if (part.empty()) return;
    if (!result.segments_.empty() && result.segments_.back().kind == Segment::Kind::kText) {
      result.segments_.back().text.append(part);
    } else {
      result.segments_.push_back(Segment{Segment::Kind::kText, std::string(part), std::nullopt});
    }
  };
  if (!variables_enabled) {
    add_text(text);
    return result;
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("${", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) break;  // unterminated: literal
    add_text(text.substr(pos, open - pos));
    std::string_view body = text.substr(open + 2, close - open - 2);
    pos = close + 1;
    if (body == "*" || body == "?" || body == "$") {
      result.segments_.push_back(Segment{Segment::Kind::kEscape, std::string(body), std::nullopt});
      continue;
    }
    Segment segment{Segment::Kind::kVariable, "", std::nullopt};
    std::string_view key = body;
    if (size_t comma = body.find(','); comma != std::string_view::npos) {
      std::string_view fallback = TrimWhitespace(body.substr(comma + 1));
      if (fallback.size() >= 2 && fallback.front() == '\'' && fallback.back() == '\'') {
        segment.default_value = std::string(fallback.substr(1, fallback.size() - 2));
        key = body.substr(0, comma);
      }
    }
    key = TrimWhitespace(key);
    if (key.empty()) {  // "${}" is not a variable
      add_text(text.substr(open, close + 1 - open));
      continue;
    }
    segment.text = std::string(key);
    result.segments_.push_back(std::move(segment));
    result.has_variables_ = true;
  }
  add_text(text.substr(pos));
  return result;
}

bool Template::Lookup(const RequestContext& context, const Segment& segment,
                      std::string_view& out) const {
  const ContextEntry* entry = context.Find(segment.text);
  if (entry == nullptr) {
    if (!segment.default_value) return false;
    out = *segment.default_value;
    return true;
  }
  if (entry->multi_valued || entry->values.size() != 1) return false;
  out = entry->values.front();
  return true;
}

bool Template::AppendTokens(const RequestContext& context, bool wildcards,
                            std::vector<GlobToken>& out) const {
  for (const Segment& segment : segments_) {
    switch (segment.kind) {
      case Segment::Kind::kText:
        AppendGlobTokens(out, segment.text, wildcards);
        break;
      case Segment::Kind::kEscape:
        AppendGlobTokens(out, segment.text, false);
        break;
      case Segment::Kind::kVariable: {
        std::string_view value;
        if (!Lookup(context, segment, value)) return false;
        AppendGlobTokens(out, value, false);
        break;
      }
    }
  }
  return true;
}

bool Template::AppendText(const RequestContext& context, std::string& out) const {
  for (const Segment& segment : segments_) {
    if (segment.kind == Segment::Kind::kVariable) {
      std::string_view value;
      if (!Lookup(context, segment, value)) return false;
      out.append(value);
    } else {
      out.append(segment.text);
    }
  }
  return true;
}

}  // namespace irsa::policy
