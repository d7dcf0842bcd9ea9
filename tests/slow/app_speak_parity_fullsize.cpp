// End-to-end parity of `gpt-sovits speak` with upstream's TTS.run on random-init full-size models
// (the real v2 shapes: 24-layer GPT, SoVITS v2, chinese-hubert-base, 24-layer RoBERTa-large). The
// fixtures are too big to commit: tools/golden/e2e.py --full-size writes them to
// $GSV_LARGE_FIXTURES/e2e (default /work/fixtures-large/e2e); the test skips when they are absent.
// The checks are those of tests/unit/app_speak_parity.cpp, included below.
#define GSV_SPEAK_PARITY_NO_TESTS
#include "../unit/app_speak_parity.cpp"

namespace {

using namespace gsv::test::speak_parity;

fs::path fullsize_root() { return gsv::test::large_fixture("e2e"); }

TEST(SpeakParityFullSize, MatchesUpstreamTTSRun) {
  const fs::path root = fullsize_root();
  if (!fs::exists(root / "models" / "s1.ckpt"))
    GTEST_SKIP() << "no full-size fixtures in " << root
                 << ": run /work/oracle-venv/bin/python tools/golden/e2e.py --upstream /work/upstream --full-size";
  auto cases = CaseSet{root}.cases();
  ASSERT_FALSE(cases.empty()) << root << " holds no case folders";
  for (const auto& name : cases) {
    SCOPED_TRACE("case " + name);
    check_case(root, name);
  }
}

}  // namespace
