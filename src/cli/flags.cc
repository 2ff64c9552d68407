#include "src/cli/flags.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace netstreams {

void FlagSet::AddString(const std::string& name, std::string* value,
                        const std::string& help) {
  flags_[name] = {Kind::kString, value, help};
}

void FlagSet::AddBool(const std::string& name, bool* value,
                      const std::string& help) {
  flags_[name] = {Kind::kBool, value, help};
}

void FlagSet::AddRepeated(const std::string& name,
                          std::vector<std::string>* values,
                          const std::string& help) {
  flags_[name] = {Kind::kRepeated, values, help};
}

absl::Status FlagSet::Parse(int argc, char** argv, bool* help_requested) {
  *help_requested = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "--helpfull") {
      *help_requested = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unexpected argument '", arg, "' (flags are written --name=value)"));
    }
    std::string body = arg.substr(2);
    std::string name = body;
    std::string value;
    bool has_value = false;
    size_t eq = body.find('=');
    if (eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    auto it = flags_.find(name);
    bool negated = false;
    if (it == flags_.end() && absl::StartsWith(name, "no") && !has_value) {
      it = flags_.find(name.substr(2));
      negated = it != flags_.end() && it->second.kind == Kind::kBool;
      if (!negated) it = flags_.end();
    }
    if (it == flags_.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    Flag& flag = it->second;
    ++set_[it->first];
    switch (flag.kind) {
      case Kind::kBool: {
        bool* target = static_cast<bool*>(flag.target);
        if (negated) {
          *target = false;
        } else if (!has_value || value == "true" || value == "1") {
          *target = true;
        } else if (value == "false" || value == "0") {
          *target = false;
        } else {
          return absl::InvalidArgumentError(absl::StrCat(
              "--", name, " takes true or false, got '", value, "'"));
        }
        break;
      }
      case Kind::kString:
        if (!has_value) {
          return absl::InvalidArgumentError(
              absl::StrCat("--", name, " needs a value: --", name, "=..."));
        }
        if (set_[it->first] > 1) {
          return absl::InvalidArgumentError(
              absl::StrCat("--", name, " is given more than once"));
        }
        *static_cast<std::string*>(flag.target) = value;
        break;
      case Kind::kRepeated:
        if (!has_value || value.empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat("--", name, " needs a value: --", name, "=..."));
        }
        static_cast<std::vector<std::string>*>(flag.target)->push_back(value);
        break;
    }
  }
  return absl::OkStatus();
}

std::string FlagSet::Usage(const std::string& program,
                           const std::string& summary) const {
  std::string out =
      absl::StrCat("usage: ", program, " [flags]\n\n", summary, "\n\nflags:\n");
  for (const auto& [name, flag] : flags_) {
    absl::StrAppend(&out, "  --", name, flag.kind == Kind::kBool ? "" : "=...",
                    flag.kind == Kind::kRepeated ? " (repeatable)" : "", "\n",
                    "      ", flag.help, "\n");
  }
  return out;
}

}  // namespace netstreams
