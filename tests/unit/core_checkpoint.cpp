// The safe checkpoint reader against files saved by upstream's own code (tools/golden/checkpoints.py),
// and against hostile, truncated, garbled and out-of-bounds files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/torch_checkpoint.h"
#include "support/golden.h"

namespace fs = std::filesystem;
namespace mx = mlx::core;
using gsv::TorchFile;
using gsv::test::close;
using gsv::test::fixture;

namespace {

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

nlohmann::json expected_meta() {
  std::ifstream f(fixture("checkpoints/expected.json"));
  return nlohmann::json::parse(f);
}

// Loads the file and every tensor in its "weight" dict (or root dict); returns the error message.
std::string load_everything(std::shared_ptr<const gsv::Bytes> bytes) {
  try {
    auto f = TorchFile::from_bytes(bytes);
    const auto* w = f.root().get("weight");
    auto map = f.weights(w ? *w : f.root());
    for (const auto& n : map.names()) mx::eval(map.peek(n));
    return "";
  } catch (const gsv::Error& e) {
    return e.what();
  }
}

}  // namespace

TEST(Checkpoint, S1FromUpstreamLoads) {
  auto f = TorchFile::open(fixture("checkpoints/s1_tiny.ckpt"));
  EXPECT_EQ(f.magic(), "PK");
  auto meta = expected_meta()["s1"];
  ASSERT_NE(f.root().get("config"), nullptr);
  EXPECT_EQ(gsv::to_json(*f.root().get("config")), meta["config"]);
  EXPECT_EQ(f.root().get("info")->text, meta["info"]);
  auto w = f.weights(*f.root().get("weight"));
  EXPECT_EQ(w.size(), meta["num_weights"].get<size_t>());
  EXPECT_EQ(w.peek("model.bert_proj.weight").dtype(), mx::float16);  // upstream saves fp16
  auto ref = gsv::test::load_fixture("checkpoints/expected.safetensors");
  for (const char* k : {"model.bert_proj.weight", "model.ar_text_position.alpha", "model.h.layers.0.self_attn.in_proj_weight"})
    EXPECT_TRUE(close(k, w.take(k), ref.at(std::string("s1/") + k), 0));
}

TEST(Checkpoint, S2ConfigIsAnHParamsObject) {
  auto f = TorchFile::open(fixture("checkpoints/s2_v2_tiny.pth"));
  EXPECT_EQ(f.magic(), "PK");
  const auto* config = f.root().get("config");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->kind, gsv::pickle::Value::Kind::Object);  // utils.HParams, read as plain data
  EXPECT_EQ(config->text, "utils.HParams");
  auto meta = expected_meta()["s2"];
  auto cfg = gsv::to_json(*config);
  EXPECT_EQ(cfg["model"], meta["config"]["model"]);
  EXPECT_EQ(cfg["data"], meta["config"]["data"]);
  auto w = f.weights(*f.root().get("weight"));
  EXPECT_EQ(w.size(), meta["num_weights"].get<size_t>());
  EXPECT_FALSE(w.has("enc_q.pre.weight"));
  auto ref = gsv::test::load_fixture("checkpoints/expected.safetensors");
  EXPECT_TRUE(close("enc_p.text_embedding.weight", w.take("enc_p.text_embedding.weight"), ref.at("s2/enc_p.text_embedding.weight"), 0));
  EXPECT_TRUE(close("dec.ups.0.weight_v", w.take("dec.ups.0.weight_v"), ref.at("s2/dec.ups.0.weight_v"), 0));
}

TEST(Checkpoint, V2ProMagicIsAccepted) {
  auto f = TorchFile::open(fixture("checkpoints/s2_v2pro_tiny.pth"));
  EXPECT_EQ(f.magic(), "05");
  auto w = f.weights(*f.root().get("weight"));
  EXPECT_EQ(w.size(), expected_meta()["s2pro"]["num_weights"].get<size_t>());
  auto ref = gsv::test::load_fixture("checkpoints/expected.safetensors");
  EXPECT_TRUE(close("sv_emb.weight", w.take("sv_emb.weight"), ref.at("s2pro/sv_emb.weight"), 0));
}

TEST(Checkpoint, StateDictDtypesAndStrides) {
  auto f = TorchFile::open(fixture("checkpoints/hf_state_dict.bin"));
  auto w = f.weights(f.root());
  auto ref = gsv::test::load_fixture("checkpoints/expected.safetensors");
  EXPECT_EQ(w.peek("a.fp16").dtype(), mx::float16);
  EXPECT_EQ(w.peek("a.bf16").dtype(), mx::bfloat16);
  EXPECT_EQ(w.peek("a.int64").dtype(), mx::int64);
  for (const char* k : {"a.fp32", "a.fp16", "a.bf16", "b.transposed", "b.slice"})
    EXPECT_TRUE(close(k, w.take(k), ref.at(std::string("hf/") + k), 0));
  // A 0-d tensor stays 0-d (the fixture writer stores it as [1]).
  EXPECT_EQ(w.peek("b.scalar").ndim(), 0);
  EXPECT_TRUE(close("b.scalar", mx::reshape(w.take("b.scalar"), {1}), ref.at("hf/b.scalar"), 0));
  auto ints = w.take("a.int64");
  EXPECT_TRUE(mx::array_equal(ints, ref.at("hf/a.int64")).item<bool>());
}

TEST(Checkpoint, RefusesHostileGlobals) {
  for (const char* name : {"hostile_os_system.pth", "hostile_stack_global.pth"}) {
    try {
      TorchFile::open(fixture(std::string("checkpoints/") + name));
      ADD_FAILURE() << name << " loaded";
    } catch (const gsv::Error& e) {
      std::cout << "  " << name << ": " << e.what() << "\n";
      EXPECT_NE(std::string(e.what()).find("system"), std::string::npos) << "the error must name the global";
      EXPECT_EQ(e.kind(), gsv::ErrorKind::BadInput);
    }
  }
  try {
    gsv::load_plain_pickle(fixture("checkpoints/hostile_os_system.pkl"));
    ADD_FAILURE() << "plain hostile pickle loaded";
  } catch (const gsv::Error& e) {
    EXPECT_NE(std::string(e.what()).find("posix.system"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists("/tmp/gsv-pwned"));
}

TEST(Checkpoint, OutOfBoundsStoragesAreErrors) {
  for (const char* name : {"out_of_bounds_numel.pth", "out_of_bounds_offset.pth", "out_of_bounds_stride.pth",
                           "missing_storage.pth", "huge_shape.pth"}) {
    std::string err = load_everything(gsv::Bytes::map_file(fixture(std::string("checkpoints/") + name)));
    std::cout << "  " << name << ": " << err << "\n";
    EXPECT_FALSE(err.empty()) << name << " loaded without error";
  }
}

TEST(Checkpoint, EmptyAndWrongMagic) {
  fs::path empty = fs::temp_directory_path() / "gsv_empty.pth";
  std::ofstream(empty).close();
  try {
    TorchFile::open(empty);
    ADD_FAILURE();
  } catch (const gsv::Error& e) {
    EXPECT_NE(std::string(e.what()).find("empty"), std::string::npos) << e.what();
  }
  fs::remove(empty);
  auto bytes = read_bytes(fixture("checkpoints/s1_tiny.ckpt"));
  bytes[0] = 'G';
  bytes[1] = 'Z';
  std::string err = load_everything(gsv::Bytes::from_vector(bytes, "wrong-magic"));
  EXPECT_NE(err.find("not a PyTorch checkpoint"), std::string::npos) << err;
  try {
    TorchFile::open(fixture("does-not-exist.pth"));
    ADD_FAILURE();
  } catch (const gsv::Error& e) {
    EXPECT_EQ(e.kind(), gsv::ErrorKind::MissingFile);
  }
}

TEST(Checkpoint, TruncatedFilesAreErrors) {
  auto bytes = read_bytes(fixture("checkpoints/s2_v2pro_tiny.pth"));
  // Every cut point in steps, plus the last few bytes one at a time: each must be a clean error.
  std::vector<size_t> cuts;
  for (size_t n = 0; n < bytes.size(); n += 97) cuts.push_back(n);
  for (size_t k = 1; k <= 30; ++k) cuts.push_back(bytes.size() - k);
  for (size_t n : cuts) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
    EXPECT_FALSE(load_everything(gsv::Bytes::from_vector(cut, "truncated")).empty()) << "cut at " << n;
  }
}

TEST(Checkpoint, GarbledFilesNeverCrash) {
  // Flipping bytes anywhere either still loads (tensor data changed) or gives a gsv::Error.
  auto bytes = read_bytes(fixture("checkpoints/s2_v2_tiny.pth"));
  uint32_t state = 12345;
  int errors = 0;
  for (int trial = 0; trial < 400; ++trial) {
    auto g = bytes;
    for (int k = 0; k < 4; ++k) {
      state = state * 1664525u + 1013904223u;
      g[state % g.size()] ^= uint8_t(1u << (state >> 29));
    }
    errors += !load_everything(gsv::Bytes::from_vector(g, "garbled")).empty();
  }
  std::cout << "  " << errors << " of 400 garbled files were refused, the rest loaded\n";
  EXPECT_GT(errors, 0);
}
