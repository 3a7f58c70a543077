// Loading an HTML page in headless Chromium (Debian's `chromium`) and reading the DOM after its
// scripts ran, with the page's console messages. Tests skip when no browser is installed.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "TestSupport.h"

namespace mosaic::test {

// $MOSAIC_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH.
inline std::optional<std::filesystem::path> find_chromium() {
  if (const char* env = std::getenv("MOSAIC_CHROMIUM"); env != nullptr && *env != '\0') {
    if (std::filesystem::exists(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
      const auto p = std::filesystem::path(dir) / name;
      if (std::filesystem::exists(p)) return p;
    }
  return std::nullopt;
}

struct BrowserResult {
  int exit_code = -1;
  std::string dom;                   // the serialized DOM after the scripts ran
  std::vector<std::string> console;  // the page's console messages (errors, warnings, logs)
};

// Runs Chromium headless on a local file: a fresh profile, no network, no GPU, no sandbox (we
// run as root in containers), scripts given `virtual_time_ms` of virtual time to finish.
inline BrowserResult load_in_chromium(const std::filesystem::path& browser,
                                      const std::filesystem::path& html,
                                      int virtual_time_ms = 20000) {
  TempDir profile;
  const auto dom_file = profile.path() / "dom.html";
  const auto log_file = profile.path() / "log.txt";
  const std::string cmd =
      "timeout 180 '" + browser.string() +
      "' --headless --no-sandbox --disable-gpu --disable-background-networking "
      "--disable-component-update --disable-sync --no-first-run --user-data-dir='" +
      (profile.path() / "profile").string() + "' --enable-logging=stderr --v=0 " +
      "--virtual-time-budget=" + std::to_string(virtual_time_ms) + " --dump-dom 'file://" +
      std::filesystem::absolute(html).string() + "' >'" + dom_file.string() + "' 2>'" +
      log_file.string() + "'";
  const int status = std::system(cmd.c_str());
  BrowserResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  r.dom = read_file(dom_file);
  std::stringstream log(read_file(log_file));
  std::string line;
  while (std::getline(log, line))
    if (line.find(":CONSOLE") != std::string::npos) r.console.push_back(line);
  return r;
}

// The value of an attribute of <body> in a serialized DOM ("" when absent). The inlined libraries
// spell "<body" and "</head>" in their strings, so every <body tag is looked at.
inline std::string body_attribute(const std::string& dom, const std::string& name) {
  for (auto body = dom.find("<body"); body != std::string::npos;
       body = dom.find("<body", body + 1)) {
    const auto end = dom.find('>', body);
    const std::string tag = dom.substr(body, end - body);
    const auto at = tag.find(" " + name + "=\"");
    if (at == std::string::npos) continue;
    const auto start = at + name.size() + 3;
    return tag.substr(start, tag.find('"', start) - start);
  }
  return "";
}

inline int count_of(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

// A report page loaded in Chromium drew every chart: it declares `charts` charts, renders them
// all, none failed, and the console stayed silent (the reports' shared check).
inline void expect_charts_rendered(const BrowserResult& page, const std::string& charts) {
  ASSERT_EQ(page.exit_code, 0) << page.dom;
  EXPECT_EQ(body_attribute(page.dom, "data-charts"), charts);
  EXPECT_EQ(body_attribute(page.dom, "data-charts-rendered"), charts);
  EXPECT_EQ(body_attribute(page.dom, "data-chart-errors"), "0");
  EXPECT_TRUE(page.console.empty()) << page.console.front();
}

}  // namespace mosaic::test
