// `irsa cluster create|list|describe|delete|rotate-keys` and `irsa token`.
#pragma once

#include <CLI/CLI.hpp>

namespace irsa::cli {

void AddClusterCommands(CLI::App& app);
void AddTokenCommand(CLI::App& app);

}  // namespace irsa::cli
