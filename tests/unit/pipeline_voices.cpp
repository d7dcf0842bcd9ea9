// The voice registry in a temporary $GPT_SOVITS_HOME.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/error.h"
#include "core/fs.h"
#include "pipeline/voices.h"

namespace fs = std::filesystem;
using namespace gsv::pipeline;

class Voices : public ::testing::Test {
 protected:
  fs::path home, src;
  void SetUp() override {
    home = fs::temp_directory_path() / ("gsv_voices_" + std::to_string(::getpid()));
    fs::remove_all(home);
    src = home / "src";
    fs::create_directories(src);
    setenv("GPT_SOVITS_HOME", home.c_str(), 1);
    gsv::write_file_atomic(src / "g.ckpt", "gpt");
    gsv::write_file_atomic(src / "s.pth", "sovits");
    gsv::write_file_atomic(src / "r.wav", "ref");
  }
  void TearDown() override { fs::remove_all(home); }
  NewVoice sample(const std::string& name) {
    NewVoice v;
    v.name = name;
    v.gpt = src / "g.ckpt";
    v.sovits = src / "s.pth";
    v.ref_audio = src / "r.wav";
    v.ref_text = "你好";
    v.ref_lang = "zh";
    v.version = "v2";
    v.ref_seconds = 4.5;
    return v;
  }
};

TEST_F(Voices, AddListShowRemove) {
  Voice a = add_voice(sample("alice"));
  EXPECT_EQ(a.name, "alice");
  EXPECT_EQ(gsv::read_file(a.gpt), "gpt");
  EXPECT_EQ(a.gpt.parent_path(), voices_dir() / "alice");
  EXPECT_FALSE(a.created.empty());
  add_voice(sample("bob"));
  auto all = list_voices();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "alice");
  EXPECT_EQ(find_voice("bob").ref_text, "你好");
  remove_voice("alice");
  EXPECT_EQ(list_voices().size(), 1u);
  EXPECT_THROW(find_voice("alice"), gsv::Error);
}

TEST_F(Voices, DuplicatesNeedForce) {
  add_voice(sample("alice"));
  EXPECT_THROW(add_voice(sample("alice")), gsv::Error);
  auto v = sample("alice");
  v.replace = true;
  v.ref_text = "new";
  EXPECT_EQ(add_voice(v).ref_text, "new");
  EXPECT_EQ(list_voices().size(), 1u);
}

TEST_F(Voices, BadNamesAndMissingFiles) {
  for (const std::string& bad : std::vector<std::string>{"", ".hidden", "a/b", "../x", std::string(65, 'a'), "sp ace"}) {
    auto v = sample(bad);
    EXPECT_THROW(add_voice(v), gsv::Error) << bad;
  }
  auto v = sample("carol");
  v.sovits = src / "missing.pth";
  EXPECT_THROW(add_voice(v), gsv::Error);
  EXPECT_TRUE(list_voices().empty());  // nothing half-made is left in the list
  for (auto& e : fs::directory_iterator(voices_dir())) ADD_FAILURE() << "left behind: " << e.path();
}

TEST_F(Voices, KilledMidwayLeavesTheRegistryValid) {
  add_voice(sample("alice"));
  // What a process killed during `voice add` leaves: a hidden temp folder with part of a voice.
  fs::create_directories(voices_dir() / ".tmp-bob-123");
  gsv::write_file_atomic(voices_dir() / ".tmp-bob-123" / "gpt.ckpt", "partial");
  // A foreign folder with a broken manifest is reported, not fatal.
  fs::create_directories(voices_dir() / "broken");
  gsv::write_file_atomic(voices_dir() / "broken" / "voice.json", "{");
  std::vector<std::string> warnings;
  auto all = list_voices(&warnings);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "alice");
  EXPECT_EQ(warnings.size(), 1u);
}

TEST_F(Voices, LinkMode) {
  auto v = sample("linked");
  v.link = true;
  Voice a = add_voice(v);
  EXPECT_EQ(gsv::read_file(a.sovits), "sovits");
  EXPECT_TRUE(fs::equivalent(a.sovits, src / "s.pth"));
}
