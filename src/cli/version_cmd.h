// `irsa --version` and `irsa completion bash|zsh`.
//
// VersionText is "irsa <version> (commit <git commit at configure time, or unknown>, <build
// type>)", from the build_info.h that cmake/irsa_build_info.cmake generates.
//
// The completion scripts are generated from the CLI11 command tree at run time, so they always
// list the subcommands and flags of the binary that prints them: words after `irsa` complete to
// the subcommands and long/short flags of the command named so far; after a flag that takes a
// value, and after `--`, the shell's default (file name) completion applies.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace irsa::cli {

std::string VersionText();

// The completion script for `shell` ("bash" or "zsh") of the command tree rooted at `root`.
// Returns "" for another shell.
std::string CompletionScript(const CLI::App& root, const std::string& shell);

// Registers `irsa completion bash|zsh` (prints the script to stdout). Call after every other
// subcommand has been added: the script is generated from `app` when the command runs.
void AddCompletionCommand(CLI::App& app);

}  // namespace irsa::cli
