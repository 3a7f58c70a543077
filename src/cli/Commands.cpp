#include "cli/Commands.h"

#include <algorithm>
#include <map>

namespace mosaic::cli {

namespace {
std::vector<RegisteredCommand>& registry() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}
std::map<std::string, RawCommand>& raw_registry() {
  static std::map<std::string, RawCommand> commands;
  return commands;
}
std::map<std::string, std::string>& raw_descriptions() {
  static std::map<std::string, std::string> descriptions;
  return descriptions;
}
}  // namespace

CommandRegistrar::CommandRegistrar(std::string name, CommandSetup setup) {
  registry().push_back({std::move(name), std::move(setup)});
}

std::vector<RegisteredCommand> registered_commands() {
  auto out = registry();
  std::sort(out.begin(), out.end(),
            [](const RegisteredCommand& a, const RegisteredCommand& b) { return a.name < b.name; });
  return out;
}

RawCommandRegistrar::RawCommandRegistrar(std::string name, RawCommand run)
    : RawCommandRegistrar(std::move(name), std::string(), std::move(run)) {}

RawCommandRegistrar::RawCommandRegistrar(std::string name, std::string description,
                                         RawCommand run) {
  raw_descriptions()[name] = std::move(description);
  raw_registry()[std::move(name)] = std::move(run);
}

std::vector<std::pair<std::string, std::string>> raw_command_descriptions() {
  return {raw_descriptions().begin(), raw_descriptions().end()};
}

const RawCommand* find_raw_command(const std::string& name) {
  auto it = raw_registry().find(name);
  return it == raw_registry().end() ? nullptr : &it->second;
}

}  // namespace mosaic::cli
