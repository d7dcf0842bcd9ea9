// SoVITS synthesizer against upstream PyTorch (fixtures from tools/golden/sovits.py): a tiny random-init
// v2 model and a v2Pro-layout one, saved through upstream's savee. Each decode stage is compared:
// ge, enc_p's m/logs, z after the reverse flow and the waveform, at speeds 1, 1.25 and 0.8, with two
// averaged references, decode_streaming, and extract_latent codes.
#include <gtest/gtest.h>
#include <mlx/mlx.h>

#include <filesystem>
#include <fstream>

#include "core/conv.h"
#include "core/error.h"
#include "core/torch_checkpoint.h"
#include "models/sovits.h"
#include "support/golden.h"

namespace mx = mlx::core;
using gsv::test::close;
using gsv::test::fixture;

namespace {

using Arrays = std::unordered_map<std::string, mx::array>;

const Arrays& golden() {
  static Arrays a = gsv::test::load_fixture("sovits/sovits_golden.safetensors");
  return a;
}

mx::array g(const std::string& name) {
  auto it = golden().find(name);
  if (it == golden().end()) throw std::runtime_error("fixture array missing: " + name);
  return it->second;
}

const gsv::LoadedSovits& v2() {
  static gsv::LoadedSovits m = gsv::load_sovits_file(fixture("sovits/sovits_v2_tiny.pth"));
  return m;
}
const gsv::LoadedSovits& v2pro() {
  static gsv::LoadedSovits m = gsv::load_sovits_file(fixture("sovits/sovits_v2pro_tiny.pth"));
  return m;
}

mx::array f32(const mx::array& a) { return mx::astype(a, mx::float32); }

constexpr float kAtol = 1e-4f;

// Compares every traced stage of one case with the upstream hooks' values.
void check_case(const std::string& name, const gsv::SovitsTrace& t, const mx::array& wav) {
  EXPECT_TRUE(close(name + ".ge", *t.ge, g(name + ".ge"), kAtol));
  EXPECT_TRUE(close(name + ".ge_text", *t.ge_text, g(name + ".ge_text"), kAtol));
  EXPECT_TRUE(close(name + ".latent", *t.latent, g(name + ".latent"), kAtol, kAtol));
  EXPECT_TRUE(close(name + ".m", *t.m, g(name + ".m"), kAtol, kAtol));
  EXPECT_TRUE(close(name + ".logs", *t.logs, g(name + ".logs"), kAtol, kAtol));
  EXPECT_TRUE(close(name + ".z", *t.z, g(name + ".z"), kAtol, kAtol));
  EXPECT_TRUE(close(name + ".wav", wav, g(name + ".wav"), kAtol, kAtol));
  auto d = gsv::test::diff(wav, g(name + ".wav"));
  EXPECT_GE(d.snr_db, 60.0) << name << " waveform SNR";
}

struct RouteGuard {
  gsv::ConvRoute saved = gsv::conv_route();
  ~RouteGuard() { gsv::set_conv_route(saved); }
};

}  // namespace

// ---------------------------------------------------------------- core/conv.h tap-sum rewrite
// (added with this model; the HiFi-GAN ResBlock convs take it on CPU)

TEST(SovitsConvTapSum, MatchesNativeConv) {
  struct Case {
    int B, T, C, O, K, d, pl, pr;
  };
  for (const auto& c : {Case{1, 37, 8, 6, 3, 3, 3, 3}, Case{2, 64, 16, 16, 11, 5, 25, 25}, Case{1, 100, 12, 4, 7, 1, 3, 3},
                        Case{1, 20, 4, 4, 5, 1, 0, 4}, Case{1, 9, 3, 2, 3, 4, 4, 4}, Case{2, 50, 128, 32, 3, 1, 1, 1}}) {
    auto x = mx::random::normal({c.B, c.T, c.C}, mx::float32, 0, 1, mx::random::key(1));
    auto w = mx::random::normal({c.O, c.K, c.C}, mx::float32, 0, 1, mx::random::key(2));
    auto ref = mx::conv_general(x, w, std::vector<int>{1}, std::vector<int>{c.pl}, std::vector<int>{c.pr},
                                std::vector<int>{c.d}, std::vector<int>{1}, 1);
    EXPECT_TRUE(close("tap-sum", gsv::conv1d_tap_sum_rewrite(x, w, c.pl, c.pr, c.d), ref, 1e-4f));
  }
  EXPECT_THROW(gsv::conv1d_tap_sum_rewrite(mx::zeros({1, 3, 4}), mx::zeros({4, 5, 4}), 0, 0, 1), gsv::Error);
}

// ---------------------------------------------------------------- loading

TEST(SovitsLoad, TinyV2Config) {
  const auto& m = v2();
  EXPECT_EQ(m.file.version, "v2");
  EXPECT_EQ(m.file.magic, "PK");
  EXPECT_EQ(m.file.info, "1epoch_10iteration");
  const auto& c = m.model.cfg;
  EXPECT_EQ(c.inter_channels, 8);
  EXPECT_EQ(c.hidden_channels, 16);
  EXPECT_EQ(c.filter_channels, 32);
  EXPECT_EQ(c.gin_channels, 16);
  EXPECT_EQ(c.upsample_initial_channel, 32);
  EXPECT_EQ(c.ssl_dim, 32);
  EXPECT_EQ(c.codebook_size, 64);
  EXPECT_EQ(c.n_symbols, 732);
  EXPECT_EQ(c.mrte_hidden, 16);
  EXPECT_EQ(c.ref_enc_in, 704);
  EXPECT_EQ(c.ref_enc_hidden, 16);
  EXPECT_EQ(c.samples_per_frame(), 640);
  EXPECT_FALSE(m.model.sv_emb.has_value());
}

TEST(SovitsLoad, TinyV2ProLayout) {
  const auto& m = v2pro();
  EXPECT_EQ(m.file.version, "v2Pro");
  EXPECT_EQ(m.file.magic, "05");
  const auto& c = m.model.cfg;
  EXPECT_EQ(c.gin_channels, 20);
  EXPECT_EQ(c.n_layers, 2);
  EXPECT_EQ(c.kernel_size, 5);
  EXPECT_EQ(c.sv_dim, 48);
  EXPECT_TRUE(m.model.sv_emb && m.model.prelu && m.model.ge_to512);
}

TEST(SovitsLoad, ExpectedVersionMismatchFails) {
  try {
    gsv::load_sovits_file(fixture("sovits/sovits_v2_tiny.pth"), std::string("v2Pro"));
    FAIL() << "expected an error";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("expected a v2Pro"), std::string::npos) << e.what();
  }
}

namespace {
// The tiny v2 file's weights and config, for key-level error tests.
struct Parts {
  gsv::WeightMap w;
  nlohmann::json config;
};
Parts v2_parts() {
  auto f = gsv::TorchFile::open(fixture("sovits/sovits_v2_tiny.pth"));
  return {f.weights(*f.root().get("weight")), gsv::to_json(*f.root().get("config"))};
}
std::string load_error(Parts p) {
  try {
    auto cfg = gsv::sovits_config_from_checkpoint(p.config, p.w);
    gsv::load_sovits(p.w, cfg);
  } catch (const gsv::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(SovitsLoad, MissingKeyIsNamed) {
  auto p = v2_parts();
  gsv::WeightMap w(p.w.source());
  for (const auto& n : p.w.names())
    if (n != "flow.flows.4.enc.in_layers.2.weight_v") w.set(n, p.w.peek(n));
  auto msg = load_error({w, p.config});
  EXPECT_NE(msg.find("flow.flows.4.enc.in_layers.2.weight_v"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

TEST(SovitsLoad, MisshapenKeyIsNamed) {
  auto p = v2_parts();
  p.w.set("enc_p.encoder_text.ffn_layers.3.conv_1.weight", mx::zeros({32, 16, 5}, mx::float16));
  auto msg = load_error(p);
  EXPECT_NE(msg.find("enc_p.encoder_text.ffn_layers.3.conv_1.weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[32, 16, 5]"), std::string::npos) << msg;
}

TEST(SovitsLoad, UnexpectedKeyIsNamed) {
  auto p = v2_parts();
  p.w.set("dec.resblocks.15.convs1.0.bias", mx::zeros({4}, mx::float16));
  auto msg = load_error(p);
  EXPECT_NE(msg.find("dec.resblocks.15.convs1.0.bias"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unexpected"), std::string::npos) << msg;
}

TEST(SovitsLoad, ConfigDisagreeingWithShapesFails) {
  auto p = v2_parts();
  p.config["model"]["gin_channels"] = 512;
  auto msg = load_error(p);
  EXPECT_NE(msg.find("gin_channels"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ref_enc.fc.fc.weight"), std::string::npos) << msg;
}

TEST(SovitsLoad, EncQAndCodebookBuffersAreIgnored) {
  auto p = v2_parts();
  p.w.set("enc_q.pre.weight", mx::zeros({4, 4, 1}, mx::float16));
  EXPECT_EQ(load_error(p), "");
}

TEST(SovitsLoad, WrongFileKindsFail) {
  // An s1 (GPT) .ckpt passed as SoVITS weights.
  try {
    gsv::load_sovits_file(fixture("sovits/s1_not_sovits.ckpt"));
    ADD_FAILURE() << "an s1 checkpoint loaded as SoVITS";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("GPT (s1"), std::string::npos) << e.what();
  }
  // The v2 file with its first two bytes replaced by another version's header.
  auto relabelled = [](const char* magic) {
    auto path = std::filesystem::temp_directory_path() / (std::string("gsv_sovits_relabelled_") + magic + ".pth");
    std::ifstream in(fixture("sovits/sovits_v2_tiny.pth"), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), {});
    data[0] = magic[0], data[1] = magic[1];
    std::ofstream(path, std::ios::binary) << data;
    return path;
  };
  auto pro = relabelled("05");  // v2Pro header on v2 weights: the keys disagree with the header
  try {
    gsv::load_sovits_file(pro);
    ADD_FAILURE() << "a relabelled file loaded";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
    EXPECT_NE(std::string(e.what()).find("no sv_emb"), std::string::npos) << e.what();
  }
  auto lora = relabelled("03");  // a v3 LoRA header
  try {
    gsv::load_sovits_file(lora);
    ADD_FAILURE() << "a v3 file loaded";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("v3/v4"), std::string::npos) << e.what();
  }
  std::filesystem::remove(pro);
  std::filesystem::remove(lora);
  try {
    gsv::load_sovits_file("/nonexistent/model.pth");
    ADD_FAILURE() << "a missing file loaded";
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::MissingFile);
  }
}

// ---------------------------------------------------------------- extract_latent

TEST(SovitsExtractLatent, CodesMatchUpstream) {
  const auto& m = v2().model;
  auto codes = gsv::extract_latent(m, f32(g("ssl")));
  auto want = mx::astype(g("v2.codes_from_ssl"), mx::int32);
  ASSERT_EQ(codes.shape(), want.shape());
  EXPECT_TRUE(mx::array_equal(codes, want).item<bool>());
  // ssl_proj itself (k2 s2, odd trailing frame dropped)
  auto proj = gsv::conv1d(f32(g("ssl")), m.ssl_proj);
  EXPECT_TRUE(close("ssl_proj", proj, g("v2.ssl_proj"), kAtol));
}

TEST(SovitsExtractLatent, FirstIndexOnTies) {
  // Duplicate the codeword upstream picked for frame 0 at a higher and at a lower index: with an exact
  // tie the lowest index wins, as torch's max(dim) returns it.
  const auto& base = v2().model;
  const int N = base.cfg.codebook_size;
  auto want = mx::astype(g("v2.codes_from_ssl"), mx::int32);
  mx::eval(want);
  const int c = want.data<int32_t>()[0];
  auto with_copy_at = [&](int dst) {
    auto m = base;
    auto rows = mx::arange(N, mx::int32);
    rows = mx::where(mx::equal(rows, mx::array(dst)), mx::array(c), rows);
    m.codebook = mx::take(base.codebook, rows, 0);
    m.codebook_sq_norm = mx::sum(mx::square(m.codebook), 1);
    auto codes = gsv::extract_latent(m, f32(g("ssl")));
    mx::eval(codes);
    return codes.data<int32_t>()[0];
  };
  const int higher = c + 1 < N ? c + 1 : -1, lower = c > 0 ? c - 1 : -1;
  if (higher >= 0) {
    EXPECT_EQ(with_copy_at(higher), c);
  }
  if (lower >= 0) {
    EXPECT_EQ(with_copy_at(lower), lower);
  }
}

TEST(SovitsExtractLatent, BadInput) {
  const auto& m = v2().model;
  EXPECT_THROW(gsv::extract_latent(m, mx::zeros({1, 10, 768})), gsv::Error);
  EXPECT_THROW(gsv::extract_latent(m, mx::zeros({1, 1, 32})), gsv::Error);
  EXPECT_THROW(gsv::extract_latent(m, mx::zeros({10, 32})), gsv::Error);
}

// ---------------------------------------------------------------- decode parity

TEST(SovitsDecode, V2Speed1InjectedNoise) {
  const auto& m = v2().model;
  gsv::SovitsTrace t;
  gsv::SovitsDecodeOptions o;
  o.noise_scale = 0.5f;
  o.noise = f32(g("v2_speed1.eps"));
  o.trace = &t;
  auto wav = gsv::decode(m, g("codes"), g("phones"), {f32(g("ref_a"))}, o);
  EXPECT_EQ(wav.shape(1), gsv::sovits_output_samples(m.cfg, 8, 1.0));
  check_case("v2_speed1", t, wav);
}

TEST(SovitsDecode, V2Speed125TwoReferencesAveraged) {
  const auto& m = v2().model;
  gsv::SovitsTrace t;
  gsv::SovitsDecodeOptions o;
  o.noise_scale = 0.0f;
  o.speed = 1.25;
  o.trace = &t;
  auto wav = gsv::decode(m, g("codes"), g("phones"), {f32(g("ref_a")), f32(g("ref_b"))}, o);
  EXPECT_EQ(wav.shape(1), 640 * (int(16 / 1.25) + 1));
  check_case("v2_speed125_two_refs", t, wav);
}

TEST(SovitsDecode, V2Speed08) {
  const auto& m = v2().model;
  gsv::SovitsTrace t;
  gsv::SovitsDecodeOptions o;
  o.speed = 0.8;
  o.noise = f32(g("v2_speed08.eps"));
  o.trace = &t;
  auto wav = gsv::decode(m, g("codes"), g("phones"), {f32(g("ref_b"))}, o);
  EXPECT_EQ(wav.shape(1), 640 * 21);  // int(16 / 0.8) + 1 in double precision
  check_case("v2_speed08", t, wav);
}

TEST(SovitsDecode, NativeConvRouteMatchesToo) {
  RouteGuard guard;
  gsv::set_conv_route(gsv::ConvRoute::Native);
  const auto& m = v2().model;
  gsv::SovitsTrace t;
  gsv::SovitsDecodeOptions o;
  o.noise = f32(g("v2_speed1.eps"));
  o.trace = &t;
  auto wav = gsv::decode(m, g("codes"), g("phones"), {f32(g("ref_a"))}, o);
  EXPECT_TRUE(close("v2_speed1.wav (native convs)", wav, g("v2_speed1.wav"), kAtol, kAtol));
}

TEST(SovitsDecode, Streaming) {
  const auto& m = v2().model;
  gsv::SovitsTrace t;
  gsv::SovitsDecodeOptions o;
  o.noise = f32(g("v2_stream.eps"));
  o.trace = &t;
  gsv::SovitsStreamOptions s;
  s.result_length = 3;
  s.padding_length = 1;
  s.overlap_frames = f32(g("v2_stream.overlap_frames"));
  auto r = gsv::decode_streaming(m, g("codes"), g("phones"), {f32(g("ref_a"))}, s, o);
  EXPECT_EQ(r.audio.shape(1), 3 * 1280);
  check_case("v2_stream", t, r.audio);
  EXPECT_TRUE(close("v2_stream.latent (returned)", r.latent, g("v2_stream.latent"), kAtol, kAtol));
}

TEST(SovitsDecode, V2ProTwoReferencesWithSvEmbeddings) {
  const auto& m = v2pro().model;
  gsv::SovitsTrace t;
  gsv::SovitsDecodeOptions o;
  o.noise = f32(g("v2pro_two_refs.eps"));
  o.sv_embs = {f32(g("v2pro.sv_a")), f32(g("v2pro.sv_b"))};
  o.trace = &t;
  auto wav = gsv::decode(m, g("codes"), g("phones"), {f32(g("ref_a")), f32(g("ref_b"))}, o);
  check_case("v2pro_two_refs", t, wav);
}

TEST(SovitsDecode, BatchOfTwoMatchesUpstreamPerRow) {
  // Two identical rows decoded together give upstream's single-row result in each row (the reference
  // speaker vector broadcasts over the batch).
  const auto& m = v2().model;
  auto two = [](const mx::array& a) { return mx::concatenate({a, a}, 0); };
  gsv::SovitsDecodeOptions o;
  o.noise = two(f32(g("v2_speed1.eps")));
  auto wav = gsv::decode(m, two(g("codes")), two(g("phones")), {f32(g("ref_a"))}, o);
  ASSERT_EQ(wav.shape(0), 2);
  for (int b = 0; b < 2; ++b)
    EXPECT_TRUE(close("v2_speed1.wav row " + std::to_string(b), mx::slice(wav, {b, 0}, {b + 1, wav.shape(1)}),
                      g("v2_speed1.wav"), kAtol, kAtol));
}

TEST(SovitsDecode, SeededNoiseIsReproducible) {
  const auto& m = v2().model;
  gsv::SovitsDecodeOptions o;
  o.seed = 42;
  auto a = gsv::decode(m, g("codes"), g("phones"), {f32(g("ref_a"))}, o);
  auto b = gsv::decode(m, g("codes"), g("phones"), {f32(g("ref_a"))}, o);
  EXPECT_TRUE(mx::array_equal(a, b).item<bool>());
  EXPECT_TRUE(mx::all(mx::isfinite(a)).item<bool>());
}

// ---------------------------------------------------------------- lengths and bad input

TEST(SovitsDecode, OutputLengths) {
  const auto& m = v2().model;
  auto codes = mx::slice(g("codes"), {0, 0}, {1, 5});
  for (double speed : {1.0, 1.25, 0.8, 1.1, 0.5, 2.0}) {
    gsv::SovitsDecodeOptions o;
    o.speed = speed;
    o.noise_scale = 0;
    auto wav = gsv::decode(m, codes, g("phones"), {f32(g("ref_a"))}, o);
    const int frames = speed == 1.0 ? 10 : int(10 / speed) + 1;
    EXPECT_EQ(wav.shape(1), 640 * frames) << "speed " << speed;
    EXPECT_EQ(wav.shape(1), gsv::sovits_output_samples(m.cfg, 5, speed));
  }
}

namespace {
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput) << e.what();
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST(SovitsDecode, BadInputErrors) {
  const auto& m = v2().model;
  auto codes = g("codes"), phones = g("phones"), ref = f32(g("ref_a"));
  auto has = [](const std::string& msg, const char* what) {
    return msg.find(what) != std::string::npos ? ::testing::AssertionSuccess()
                                               : ::testing::AssertionFailure() << "'" << what << "' not in: " << msg;
  };
  EXPECT_TRUE(has(error_of([&] { gsv::decode(m, codes, mx::zeros({1, 0}, mx::int32), {ref}); }), "empty"));
  EXPECT_TRUE(has(error_of([&] { gsv::decode(m, codes, mx::array({3, 732, 5}, {1, 3}, mx::int32), {ref}); }),
                  "phone ids must be in [0, 732)"));
  EXPECT_TRUE(has(error_of([&] { gsv::decode(m, mx::array({1, 64}, {1, 2}, mx::int32), phones, {ref}); }),
                  "semantic codes must be in [0, 64)"));
  EXPECT_TRUE(has(error_of([&] { gsv::decode(m, mx::array({-1, 2}, {1, 2}, mx::int32), phones, {ref}); }),
                  "semantic codes"));
  EXPECT_TRUE(has(error_of([&] { gsv::decode(m, codes, phones, {}); }), "at least one reference"));
  EXPECT_TRUE(has(error_of([&] { gsv::decode(m, codes, phones, {mx::zeros({1, 0, 1025})}); }), "too short"));
  EXPECT_TRUE(has(error_of([&] { gsv::decode(m, codes, phones, {mx::zeros({1, 1025, 12})}); }), "channels-last"));
  EXPECT_TRUE(has(error_of([&] {
                    gsv::SovitsDecodeOptions o;
                    o.speed = 0;
                    gsv::decode(m, codes, phones, {ref}, o);
                  }),
                  "speed"));
  EXPECT_TRUE(has(error_of([&] {
                    gsv::SovitsDecodeOptions o;
                    o.sv_embs = {mx::zeros({1, 48})};
                    gsv::decode(m, codes, phones, {ref}, o);
                  }),
                  "v2 model"));
  EXPECT_TRUE(has(error_of([&] {
                    gsv::SovitsDecodeOptions o;
                    o.noise = mx::zeros({1, 3, 8});
                    gsv::decode(m, codes, phones, {ref}, o);
                  }),
                  "noise"));
  EXPECT_TRUE(has(error_of([&] { gsv::decode(v2pro().model, codes, phones, {ref}); }), "speaker embedding"));
  EXPECT_TRUE(has(error_of([&] {
                    gsv::SovitsStreamOptions s;
                    s.padding_length = 8;
                    gsv::decode_streaming(m, codes, phones, {ref}, s);
                  }),
                  "padding_length"));
}
