#include "models/roberta.h"

#include <cmath>

#include "core/cpu_kernels.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/torch_checkpoint.h"

namespace gsv::models {

namespace fs = std::filesystem;

namespace {

constexpr const char* kModelName = "chinese-roberta-wwm-ext-large";

// LayerNorm saved as weight/bias, or gamma/beta by old TF-converted BERT files.
LayerNorm load_bert_norm(WeightMap& w, const std::string& prefix, int dim, float eps) {
  if (!w.has(prefix + "weight") && w.has(prefix + "gamma")) return load_layer_norm(w, prefix, dim, eps, "gamma", "beta");
  return load_layer_norm(w, prefix, dim, eps);
}

mx::array self_attention(const mx::array& x, const RobertaLayer& l, int heads) {
  const int B = x.shape(0), T = x.shape(1), H = x.shape(2), hd = H / heads;
  auto split = [&](const mx::array& y) { return mx::transpose(mx::reshape(y, {B, T, heads, hd}), {0, 2, 1, 3}); };
  auto q = split(linear(x, l.query)), k = split(linear(x, l.key)), v = split(linear(x, l.value));
  // BertSelfAttention: softmax(q k^T / sqrt(head_dim)) v; the all-ones attention mask adds nothing.
  // Spelled out rather than mx::fast::scaled_dot_product_attention, whose CPU fallback runs MLX's
  // scalar-exp softmax: softmax_cpu is the vectorised kernel of core/cpu_kernels.h.
  auto scores = mx::multiply(mx::matmul(q, mx::transpose(k, {0, 1, 3, 2})),
                             mx::array(1.0f / std::sqrt(static_cast<float>(hd))));
  auto o = mx::matmul(softmax_cpu(scores), v);
  return mx::reshape(mx::transpose(o, {0, 2, 1, 3}), {B, T, H});
}

}  // namespace

RobertaConfig roberta_config_from_json(const nlohmann::json& j) {
  RobertaConfig c;
  try {
    const auto type = j.value("model_type", std::string("bert"));
    if (type != "bert")
      bad_input(kModelName, " config: model_type is \"", type, "\", expected \"bert\"; is this the right folder?");
    c.vocab = j.value("vocab_size", c.vocab);
    c.hidden = j.value("hidden_size", c.hidden);
    c.layers = j.value("num_hidden_layers", c.layers);
    c.heads = j.value("num_attention_heads", c.heads);
    c.ffn = j.value("intermediate_size", c.ffn);
    c.max_positions = j.value("max_position_embeddings", c.max_positions);
    c.type_vocab = j.value("type_vocab_size", c.type_vocab);
    c.layer_norm_eps = j.value("layer_norm_eps", c.layer_norm_eps);
    const auto act = j.value("hidden_act", std::string("gelu"));
    if (act != "gelu")
      fail(ErrorKind::Unsupported, kModelName, " config: hidden_act \"", act, "\" is not supported (expected \"gelu\")");
    const auto pos = j.value("position_embedding_type", std::string("absolute"));
    if (pos != "absolute")
      fail(ErrorKind::Unsupported, kModelName, " config: position_embedding_type \"", pos, "\" is not supported");
  } catch (const nlohmann::json::exception& e) {
    bad_input(kModelName, " config.json has an unexpected value (", e.what(), ")");
  }
  if (c.layers < 2)
    fail(ErrorKind::Unsupported, kModelName, " config: ", c.layers,
         " layers; upstream takes hidden_states[-3], which needs at least 2");
  if (c.hidden <= 0 || c.heads <= 0 || c.hidden % c.heads != 0)
    bad_input(kModelName, " config: hidden_size ", c.hidden, " is not a multiple of num_attention_heads ", c.heads);
  return c;
}

Roberta load_roberta(WeightMap& all, const RobertaConfig& c) {
  // BertForMaskedLM (upstream's AutoModelForMaskedLM) prefixes the encoder with "bert.".
  const bool prefixed = all.has("bert.embeddings.word_embeddings.weight");
  WeightMap sub = prefixed ? all.sub("bert.") : WeightMap();
  WeightMap& w = prefixed ? sub : all;
  const int used_layers = c.layers - 2;  // hidden_states[-3] = output of layer n-3 (0-based)

  Roberta m{c,
            load_embedding(w, "embeddings.word_embeddings.weight", c.vocab, c.hidden),
            load_embedding(w, "embeddings.position_embeddings.weight", c.max_positions, c.hidden),
            load_embedding(w, "embeddings.token_type_embeddings.weight", c.type_vocab, c.hidden),
            load_bert_norm(w, "embeddings.LayerNorm.", c.hidden, c.layer_norm_eps),
            {}};
  for (int i = 0; i < used_layers; ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    RobertaLayer l{load_linear(w, p + "attention.self.query.", c.hidden, c.hidden),
                   load_linear(w, p + "attention.self.key.", c.hidden, c.hidden),
                   load_linear(w, p + "attention.self.value.", c.hidden, c.hidden),
                   load_linear(w, p + "attention.output.dense.", c.hidden, c.hidden),
                   load_bert_norm(w, p + "attention.output.LayerNorm.", c.hidden, c.layer_norm_eps),
                   load_linear(w, p + "intermediate.dense.", c.hidden, c.ffn),
                   load_linear(w, p + "output.dense.", c.ffn, c.hidden),
                   load_bert_norm(w, p + "output.LayerNorm.", c.hidden, c.layer_norm_eps)};
    m.layers.push_back(std::move(l));
  }
  // The layers after hidden_states[-3]: present in the file, never run.
  for (int i = used_layers; i < c.layers; ++i) w.ignore_prefix("encoder.layer." + std::to_string(i) + ".");
  w.ignore_prefix("pooler.");
  w.ignore_prefix("cls.");  // heads saved without the "bert." prefix on the encoder (rare)
  w.ignore("embeddings.position_ids");
  w.ignore("embeddings.token_type_ids");
  w.check_all_used(kModelName);
  if (prefixed) {  // everything outside "bert." must be a head
    for (const auto& name : all.names())
      if (name.rfind("bert.", 0) != 0 && name.rfind("cls.", 0) != 0)
        bad_input(all.source(), ": unexpected weight '", name, "' for ", kModelName,
                  "; the checkpoint has a different architecture than its config says");
  }
  // Materialise now (fp16 -> fp32) so that the first forward is not slower and the file's buffers of
  // the used tensors can be freed.
  std::vector<mx::array> params = {m.word.table, m.position.table, m.token_type.table, m.embed_norm.weight,
                                   m.embed_norm.bias};
  for (const auto& l : m.layers) {
    for (const Linear* lin : {&l.query, &l.key, &l.value, &l.attn_out, &l.intermediate, &l.output})
      params.insert(params.end(), {lin->weight, *lin->bias});
    params.insert(params.end(), {l.attn_norm.weight, l.attn_norm.bias, l.output_norm.weight, l.output_norm.bias});
  }
  mx::eval(params);
  return m;
}

WeightMap read_roberta_weights(const fs::path& dir) {
  const fs::path bin = dir / "pytorch_model.bin", st = dir / "model.safetensors";
  if (fs::exists(bin)) {
    auto file = TorchFile::open(bin);
    return file.weights(file.root());
  }
  if (fs::exists(st)) {
    WeightMap raw(st.string());
    for (auto& [name, array] : mx::load_safetensors(st.string()).first) raw.set(name, array);
    return raw;
  }
  fail(ErrorKind::MissingFile, "the ", kModelName, " folder ", dir.string(),
       " has no weights: expected pytorch_model.bin (or model.safetensors) next to config.json and "
       "tokenizer.json, as in GPT_SoVITS/pretrained_models/chinese-roberta-wwm-ext-large from HF lj1995/GPT-SoVITS");
}

Roberta load_roberta_dir(const fs::path& dir) {
  if (!fs::is_directory(dir))
    fail(ErrorKind::MissingFile, kModelName, " folder not found: ", dir.string(),
         " (expected config.json, tokenizer.json and pytorch_model.bin from HF lj1995/GPT-SoVITS)");
  if (!fs::exists(dir / "config.json"))
    fail(ErrorKind::MissingFile, "the ", kModelName, " folder ", dir.string(),
         " is incomplete: config.json is missing (expected config.json, tokenizer.json and pytorch_model.bin)");
  const auto config = roberta_config_from_json(read_json(dir / "config.json", std::string("re-download ") + kModelName));
  auto weights = read_roberta_weights(dir);
  return load_roberta(weights, config);
}

mx::array roberta_embeddings(const Roberta& m, const std::vector<int>& ids) {
  const int T = static_cast<int>(ids.size());
  if (T == 0) bad_input(kModelName, ": no tokens to encode");
  if (T > m.config.max_positions)
    bad_input(kModelName, ": ", T, " tokens is more than the model's ", m.config.max_positions,
              " positions; split the text into shorter segments (upstream splits at 510 characters)");
  for (int id : ids)
    if (id < 0 || id >= m.config.vocab)
      bad_input(kModelName, ": token id ", id, " is outside the vocabulary of ", m.config.vocab,
                "; the tokenizer does not belong to this model");
  auto x = embedding(mx::array(ids.data(), {1, T}, mx::int32), m.word);
  x = mx::add(x, mx::slice(m.position.table, {0, 0}, {T, m.config.hidden}));  // position_ids = 0..T-1
  x = mx::add(x, mx::slice(m.token_type.table, {0, 0}, {1, m.config.hidden}));  // token_type_ids = 0
  return layer_norm(x, m.embed_norm);
}

mx::array roberta_hidden(const Roberta& m, const std::vector<int>& ids) {
  auto h = roberta_embeddings(m, ids);
  for (const auto& l : m.layers) {
    h = layer_norm(mx::add(linear(self_attention(h, l, m.config.heads), l.attn_out), h), l.attn_norm);
    h = layer_norm(mx::add(linear(gelu_exact(linear(h, l.intermediate)), l.output), h), l.output_norm);
  }
  return mx::squeeze(h, 0);
}

mx::array roberta_char_features(const Roberta& m, const std::vector<int>& ids) {
  if (ids.size() < 2) bad_input(kModelName, ": expected [CLS] ... [SEP] token ids, got ", ids.size(), " ids");
  auto h = roberta_hidden(m, ids);
  return mx::slice(h, {1, 0}, {h.shape(0) - 1, h.shape(1)});
}

mx::array bert_phone_features(const mx::array& chars, const std::vector<int>& word2ph) {
  if (chars.ndim() != 2) bad_input("bert_phone_features: expected [n_chars, hidden] features");
  const int n = chars.shape(0);
  if (static_cast<int>(word2ph.size()) != n)
    bad_input("BERT features: word2ph has ", word2ph.size(), " entries but the text gave ", n,
              " BERT tokens; upstream requires exactly one token per character of the normalised text "
              "(len(word2ph) == len(norm_text)), which fails for characters that are not single vocab "
              "tokens (latin words, digit runs, unknown symbols)");
  std::vector<int32_t> rows;
  for (int i = 0; i < n; ++i) {
    if (word2ph[i] < 0) bad_input("BERT features: word2ph[", i, "] = ", word2ph[i], " is negative");
    rows.insert(rows.end(), word2ph[i], i);
  }
  if (rows.empty()) return mx::zeros({0, chars.shape(1)}, chars.dtype());
  return mx::take(chars, mx::array(rows.data(), {static_cast<int>(rows.size())}, mx::int32), 0);
}

}  // namespace gsv::models
