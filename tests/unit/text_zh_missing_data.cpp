// Without the set-up data the Chinese frontend fails with MissingFile and says how to fix it; the
// next call after the data appears loads it (the lazy load is retried, not cached as a failure).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "core/error.h"
#include "text/zh.h"

TEST(ZhData, MissingFolderIsMissingFileThenRetried) {
  const char* old = std::getenv("GPT_SOVITS_DATA");
  std::string saved = old ? old : "";
  setenv("GPT_SOVITS_DATA", "/nonexistent/gpt-sovits-data", 1);
  try {
    gsv::text::zh_g2p("你好");
    ADD_FAILURE() << "loaded dictionaries from a missing folder";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::MissingFile);
    EXPECT_NE(std::string(e.what()).find("setup.sh"), std::string::npos) << e.what();
  }
  if (old) setenv("GPT_SOVITS_DATA", saved.c_str(), 1);
  else unsetenv("GPT_SOVITS_DATA");
  EXPECT_EQ(gsv::text::zh_g2p("你好").phones.size(), 4u);
}
