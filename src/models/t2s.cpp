#include "models/t2s.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/torch_checkpoint.h"
#include "models/t2s_kernels.h"

namespace gsv {

// ====================================================================== config

namespace {

int config_int(const nlohmann::json& section, const char* key, const std::string& where) {
  if (!section.contains(key))
    bad_input(where, ": config[\"model\"] has no '", key, "'; is this an s1 (GPT) weights file?");
  const auto& v = section.at(key);
  if (!v.is_number_integer()) bad_input(where, ": config[\"model\"][\"", key, "\"] is not an integer");
  return v.get<int>();
}

}  // namespace

T2SConfig t2s_config_from_json(const nlohmann::json& config, const std::string& source) {
  if (!config.is_object() || !config.contains("model") || !config.at("model").is_object())
    bad_input(source, ": the config has no \"model\" section; is this an s1 (GPT) weights file?");
  const auto& model = config.at("model");
  T2SConfig c;
  c.vocab_size = config_int(model, "vocab_size", source);
  c.phoneme_vocab_size = config_int(model, "phoneme_vocab_size", source);
  const int embedding_dim = config_int(model, "embedding_dim", source);
  c.hidden_dim = config_int(model, "hidden_dim", source);
  c.num_heads = config_int(model, "head", source);
  c.num_layers = config_int(model, "n_layer", source);
  c.eos = config_int(model, "EOS", source);
  if (config.contains("data") && config.at("data").is_object() && config.at("data").contains("max_sec") &&
      config.at("data").at("max_sec").is_number())
    c.max_sec = int(config.at("data").at("max_sec").get<double>());
  if (c.eos != c.vocab_size - 1)
    bad_input(source, ": EOS ", c.eos, " is not vocab_size - 1 = ", c.vocab_size - 1, " (upstream asserts this)");
  if (embedding_dim != c.hidden_dim)
    bad_input(source, ": embedding_dim ", embedding_dim, " differs from hidden_dim ", c.hidden_dim,
              "; upstream's Text2SemanticDecoder only runs with equal widths");
  if (c.vocab_size < 2 || c.phoneme_vocab_size < 1 || c.num_layers < 1 || c.num_heads < 1 || c.hidden_dim < 2)
    bad_input(source, ": config[\"model\"] has a non-positive size");
  if (c.hidden_dim % c.num_heads != 0)
    bad_input(source, ": hidden_dim ", c.hidden_dim, " is not a multiple of head ", c.num_heads);
  if (c.hidden_dim % 2 != 0) bad_input(source, ": hidden_dim ", c.hidden_dim, " must be even (sine positions)");
  return c;
}

const char* to_string(T2SPrecision p) {
  switch (p) {
    case T2SPrecision::Float32: return "fp32";
    case T2SPrecision::Float16: return "fp16";
    case T2SPrecision::BFloat16: return "bf16";
    case T2SPrecision::Int8: return "q8";
    case T2SPrecision::Int4: return "q4";
  }
  return "?";
}

T2SPrecision parse_t2s_precision(const std::string& name) {
  for (auto p : {T2SPrecision::Float32, T2SPrecision::Float16, T2SPrecision::BFloat16, T2SPrecision::Int8,
                 T2SPrecision::Int4})
    if (name == to_string(p)) return p;
  bad_input("unknown T2S precision '", name, "'; use one of fp32, fp16, bf16, q8, q4");
}

const char* to_string(T2SStop s) {
  switch (s) {
    case T2SStop::Eos: return "eos";
    case T2SStop::MaxSteps: return "max_steps";
    case T2SStop::EarlyStop: return "early_stop";
  }
  return "?";
}

// ====================================================================== weights

mx::array t2s_sine_rows(int begin, int count, int dim) {
  GSV_CHECK(begin >= 0 && count >= 0 && dim % 2 == 0);
  // Same float32 arithmetic as SinePositionalEmbedding.extend_pe: arange(0, d, 2) * -(ln(1e4)/d)
  // (the Python double scalar is rounded to float32 by torch), exp, then position * w, sin/cos.
  const float factor = float(-(std::log(10000.0) / dim));
  std::vector<float> w(dim / 2);
  for (int i = 0; i < dim / 2; ++i) w[i] = std::exp(float(2 * i) * factor);
  std::vector<float> table(size_t(count) * dim);
  for (int r = 0; r < count; ++r) {
    const float p = float(begin + r);
    float* row = table.data() + size_t(r) * dim;
    for (int i = 0; i < dim / 2; ++i) {
      const float a = p * w[i];
      row[2 * i] = std::sin(a);  // interleaved: pe[:, 0::2] = sin, pe[:, 1::2] = cos
      row[2 * i + 1] = std::cos(a);
    }
  }
  return mx::array(table.begin(), {count, dim}, mx::float32);
}

namespace {

constexpr int kInitialSinePositions = 4000;  // upstream's extend_pe(4000) at construction

int quant_bits(T2SPrecision p) {
  return p == T2SPrecision::Int8 ? 8 : p == T2SPrecision::Int4 ? 4 : 0;
}

// A block/head linear layer in the requested storage. `weight` is float32 [out, in].
T2SLinear make_linear(mx::array weight, std::optional<mx::array> bias, T2SPrecision p, const std::string& name) {
  T2SLinear l;
  l.bias = std::move(bias);
  if (const int bits = quant_bits(p)) {
    const int in = weight.shape(1);
    const int group = in % 64 == 0 ? 64 : in % 32 == 0 ? 32 : 0;
    if (!group)
      bad_input("cannot quantize ", name, ": its input width ", in, " is not a multiple of 32; load with fp32/fp16/bf16");
    auto q = mx::quantize(weight, group, bits);  // from float32: scales and offsets are float32
    l.weight = q[0];
    l.scales = q[1];
    l.zero_points = q[2];
    l.bits = bits;
    l.group_size = group;
  } else {
    l.weight = p == T2SPrecision::Float16    ? mx::astype(weight, mx::float16)
               : p == T2SPrecision::BFloat16 ? mx::astype(weight, mx::bfloat16)
                                             : weight;
  }
  return l;
}

void eval_linear(std::vector<mx::array>& out, const T2SLinear& l) {
  out.push_back(l.weight);
  if (l.scales) out.push_back(*l.scales);
  if (l.zero_points) out.push_back(*l.zero_points);
  if (l.bias) out.push_back(*l.bias);
}

}  // namespace

T2SWeights load_t2s(WeightMap& w, const T2SConfig& c, const T2SLoadOptions& options) {
  const int d = c.hidden_dim;
  const auto p = options.precision;
  T2SWeights m;
  m.config = c;
  m.precision = p;
  m.bert_proj = make_linear(w.take("bert_proj.weight", {d, c.bert_dim}), w.take("bert_proj.bias", {d}),
                            T2SPrecision::Float32, "bert_proj");
  m.text_embedding = {w.take("ar_text_embedding.word_embeddings.weight", {c.phoneme_vocab_size, d})};
  m.audio_embedding = {w.take("ar_audio_embedding.word_embeddings.weight", {c.vocab_size, d})};
  m.text_alpha = w.take("ar_text_position.alpha", {1});
  m.audio_alpha = w.take("ar_audio_position.alpha", {1});
  m.sine_table = t2s_sine_rows(0, kInitialSinePositions, d);
  for (int i = 0; i < c.num_layers; ++i) {
    const std::string pre = "h.layers." + std::to_string(i) + ".";
    T2SLayer layer{
        make_linear(w.take(pre + "self_attn.in_proj_weight", {3 * d, d}), w.take(pre + "self_attn.in_proj_bias", {3 * d}),
                    p, pre + "self_attn.in_proj"),
        make_linear(w.take(pre + "self_attn.out_proj.weight", {d, d}), w.take(pre + "self_attn.out_proj.bias", {d}), p,
                    pre + "self_attn.out_proj"),
        make_linear(w.take(pre + "linear1.weight", {c.ffn_dim(), d}), w.take(pre + "linear1.bias", {c.ffn_dim()}), p,
                    pre + "linear1"),
        make_linear(w.take(pre + "linear2.weight", {d, c.ffn_dim()}), w.take(pre + "linear2.bias", {d}), p,
                    pre + "linear2"),
        load_layer_norm(w, pre + "norm1.", d, 1e-5f),
        load_layer_norm(w, pre + "norm2.", d, 1e-5f)};
    m.layers.push_back(std::move(layer));
  }
  m.predict = make_linear(w.take("ar_predict_layer.weight", {c.vocab_size, d}), std::nullopt, p, "ar_predict_layer");
  w.check_all_used("the T2S model (Text2SemanticDecoder)");

  // Materialise now, so that the float32 copies the checkpoint reader made can be freed.
  std::vector<mx::array> all{m.text_embedding.table, m.audio_embedding.table, m.text_alpha, m.audio_alpha,
                             m.sine_table};
  eval_linear(all, m.bert_proj);
  eval_linear(all, m.predict);
  for (const auto& l : m.layers) {
    for (const auto* lin : {&l.qkv, &l.out, &l.ff1, &l.ff2}) eval_linear(all, *lin);
    for (const auto* n : {&l.norm1, &l.norm2}) {
      all.push_back(n->weight);
      all.push_back(n->bias);
    }
  }
  mx::eval(all);
  return m;
}

T2SModelFile load_t2s_file(const std::filesystem::path& path, const T2SLoadOptions& options) {
  const std::string src = path.string();
  if (!std::filesystem::exists(path))
    fail(ErrorKind::MissingFile, src, ": no such file; pass the GPT (s1) weights, e.g. GPT_weights_v2/<name>.ckpt");
  const char* expected =
      "; expected an s1 GPT weights file (a .ckpt holding {\"weight\": {\"model.*\": ...}, \"config\": "
      "{\"model\": {...}}}, as GPT-SoVITS saves under GPT_weights*/ or ships as s1v3.ckpt)";
  auto file = TorchFile::open(path);
  if (file.magic() != "PK")
    bad_input(src, " starts with the marker '", file.magic(),
              "' of a v2Pro/v2ProPlus (or v3/v4) SoVITS model: it is an s2 .pth, not a GPT model", expected);
  const auto& root = file.root();
  if (!root.is_dict_like()) bad_input(src, ": the pickle holds a ", root.kind_name(), ", not a dict", expected);
  const auto* weight = root.get("weight");
  const auto* config = root.get("config");
  if (!weight || !config) {
    if (root.get("state_dict"))
      bad_input(src, " is a full training checkpoint (it has \"state_dict\"), not exported weights", expected);
    bad_input(src, ": the file has no \"weight\" and \"config\" entries", expected);
  }
  auto config_json = to_json(*config);
  const bool s2_config = config->kind == pickle::Value::Kind::Object ||
                         (config_json.contains("model") && config_json["model"].is_object() &&
                          config_json["model"].contains("inter_channels"));
  WeightMap all = file.weights(*weight);
  WeightMap w = all.sub("model.");
  if (s2_config || (w.size() == 0 && all.has("enc_p.text_embedding.weight")))
    bad_input(src, " is a SoVITS (s2) weights file, not a GPT model", expected);
  if (w.size() == 0) bad_input(src, ": no weight is named \"model.*\"", expected);
  if (w.size() != all.size()) {
    for (const auto& k : all.names())
      if (k.rfind("model.", 0) != 0)
        bad_input(src, ": unexpected weight '", k, "' outside \"model.\" (", all.size() - w.size(),
                  " in all); the file was not saved by GPT-SoVITS's s1 training");
  }
  T2SModelFile out{load_t2s(w, t2s_config_from_json(config_json, src), options), std::move(config_json), ""};
  if (const auto* info = root.get("info"); info && info->is_string()) out.info = info->text;
  return out;
}

// ====================================================================== forward

namespace {

mx::array sine_positions(const T2SWeights& m, int begin, int count) {
  const int d = m.config.hidden_dim;
  mx::array rows = begin + count <= m.sine_table.shape(0)
                       ? mx::slice(m.sine_table, {begin, 0}, {begin + count, d})
                       : t2s_sine_rows(begin, count, d);  // upstream's extend_pe
  return rows;
}

// x * x_scale + alpha * pe with x_scale = 1 (scale=False): no sqrt(d) factor.
mx::array add_positions(const mx::array& x, const mx::array& alpha, const mx::array& pe) {
  return mx::add(x, mx::multiply(alpha, pe));
}

// [B, L, 3d] -> q, k, v as [B, H, L, D] (torch's chunk(3) then view + transpose(1, 2)).
std::array<mx::array, 3> split_heads(const mx::array& qkv, int heads) {
  const int b = qkv.shape(0), l = qkv.shape(1), d3 = qkv.shape(2);
  auto t = mx::transpose(mx::reshape(qkv, {b, l, 3, heads, d3 / 3 / heads}), {2, 0, 3, 1, 4});
  return {mx::squeeze(mx::slice(t, {0, 0, 0, 0, 0}, {1, b, heads, l, d3 / 3 / heads}), 0),
          mx::squeeze(mx::slice(t, {1, 0, 0, 0, 0}, {2, b, heads, l, d3 / 3 / heads}), 0),
          mx::squeeze(mx::slice(t, {2, 0, 0, 0, 0}, {3, b, heads, l, d3 / 3 / heads}), 0)};
}

mx::array merge_heads(const mx::array& a) {  // [B, H, L, D] -> [B, L, H*D]
  const int b = a.shape(0), h = a.shape(1), l = a.shape(2), dh = a.shape(3);
  if (l == 1) return mx::reshape(a, {b, 1, h * dh});  // one position: the transpose moves nothing
  return mx::reshape(mx::transpose(a, {0, 2, 1, 3}), {b, l, h * dh});
}

// Decode (one position): q, k, v of [B, 1, 3d] as [B, H, 1, D] by slicing and reshaping only.
std::array<mx::array, 3> split_heads_one(const mx::array& qkv, int heads) {
  const int b = qkv.shape(0), d = qkv.shape(2) / 3;
  auto part = [&](int i) { return mx::reshape(mx::slice(qkv, {0, 0, i * d}, {b, 1, (i + 1) * d}), {b, heads, 1, d / heads}); };
  return {part(0), part(1), part(2)};
}

// The post-LN tail of T2SBlock: x = LN1(x + out(attn)); x = LN2(x + W2 relu(W1 x)).
mx::array block_tail(const T2SLayer& l, const mx::array& x, const mx::array& attn) {
  auto h = layer_norm(mx::add(x, t2s_linear(merge_heads(attn), l.out)), l.norm1);
  auto ff = t2s_linear(relu(t2s_linear(h, l.ff1)), l.ff2);
  return layer_norm(mx::add(h, ff), l.norm2);
}

float attention_scale(const T2SConfig& c) { return float(1.0 / std::sqrt(double(c.head_dim()))); }

int round_up(int n, int chunk) { return (n + chunk - 1) / chunk * chunk; }

// Makes room for `needed` positions, growing by whole chunks (one copy per 256 steps).
void reserve(T2SKVCache& cache, int needed) {
  if (needed <= cache.capacity) return;
  const int new_capacity = round_up(needed, kT2SCacheChunk);
  for (auto* list : {&cache.k, &cache.v})
    for (auto& a : *list) {
      auto extra = mx::zeros({a.shape(0), a.shape(1), new_capacity - cache.capacity, a.shape(3)}, a.dtype());
      a = mx::concatenate({a, extra}, 2);
    }
  cache.capacity = new_capacity;
}

int64_t eval_min(const mx::array& a) { return mx::min(a).item<int64_t>(); }
int64_t eval_max(const mx::array& a) { return mx::max(a).item<int64_t>(); }

}  // namespace

void t2s_check_inputs(const T2SWeights& m, const mx::array& phones, const mx::array& bert,
                      const std::optional<mx::array>& prompt) {
  const auto& c = m.config;
  if (phones.ndim() != 2 || !mx::issubdtype(phones.dtype(), mx::integer))
    bad_input("T2S phones must be integer ids of shape [batch, phones], got shape ", shape_string(phones.shape()));
  const int b = phones.shape(0), x = phones.shape(1);
  if (b < 1) bad_input("T2S input batch is empty");
  if (x < 1) bad_input("T2S input has no phones: the text produced an empty phone sequence (nothing to say?)");
  const auto ids = mx::astype(phones, mx::int64);
  if (const auto lo = eval_min(ids), hi = eval_max(ids); lo < 0 || hi >= c.phoneme_vocab_size)
    bad_input("phone id ", lo < 0 ? lo : hi, " is outside the model's phone vocabulary [0, ", c.phoneme_vocab_size,
              "); the frontend and the GPT model belong to different versions");
  if (bert.shape() != mx::Shape{b, c.bert_dim, x})
    bad_input("BERT features have shape ", shape_string(bert.shape()), " but the phones need ",
              shape_string({b, c.bert_dim, x}), " ([batch, ", c.bert_dim, ", phones], one column per phone)");
  if (!mx::issubdtype(bert.dtype(), mx::floating)) bad_input("BERT features must be floating point");
  if (prompt) {
    if (prompt->ndim() != 2 || prompt->shape(0) != b || !mx::issubdtype(prompt->dtype(), mx::integer))
      bad_input("prompt semantic tokens must be integer ids of shape [", b, ", tokens], got ",
                shape_string(prompt->shape()));
    if (prompt->shape(1) > 0) {
      const auto t = mx::astype(*prompt, mx::int64);
      if (const auto lo = eval_min(t), hi = eval_max(t); lo < 0 || hi >= c.eos)
        bad_input("prompt semantic token ", lo < 0 ? lo : hi, " is outside [0, ", c.eos,
                  "); prompt codes come from the SoVITS quantizer (0..", c.eos - 1, ")");
    }
  }
}

mx::array t2s_prefill(const T2SWeights& m, const mx::array& phones, const mx::array& bert,
                      const std::optional<mx::array>& prompt, T2SKVCache& cache) {
  t2s_check_inputs(m, phones, bert, prompt);
  const auto& c = m.config;
  const int b = phones.shape(0), x_len = phones.shape(1);
  const int y_len = prompt ? prompt->shape(1) : 0;
  const int total = x_len + y_len;

  // text: E_text[phones] + bert_proj(bert^T), then + alpha_text * PE[0..X)
  auto x = embedding(mx::astype(phones, mx::int32), m.text_embedding);
  x = mx::add(x, t2s_linear(mx::astype(mx::transpose(bert, {0, 2, 1}), mx::float32), m.bert_proj));
  x = add_positions(x, m.text_alpha, sine_positions(m, 0, x_len));
  if (y_len > 0) {
    auto y = embedding(mx::astype(*prompt, mx::int32), m.audio_embedding);
    y = add_positions(y, m.audio_alpha, sine_positions(m, 0, y_len));  // audio positions restart at 0
    x = mx::concatenate({x, y}, 1);
  }

  // Upstream's mask: every row sees all text columns; audio rows also see audio columns up to
  // themselves; text rows never see audio. Without a prompt there is no mask (prefill_attention).
  const int text_len = y_len > 0 ? x_len : total;

  cache.k.clear();
  cache.v.clear();
  cache.length = total;
  cache.capacity = round_up(total + 1, kT2SCacheChunk);
  const float scale = attention_scale(c);
  for (const auto& layer : m.layers) {
    auto [q, k, v] = split_heads(t2s_linear(x, layer.qkv), c.num_heads);
    x = block_tail(layer, x, prefill_attention(q, k, v, text_len, scale));
    for (auto [list, part] : {std::pair{&cache.k, k}, std::pair{&cache.v, v}}) {
      auto buf = mx::zeros({b, c.num_heads, cache.capacity, c.head_dim()}, mx::float32);
      list->push_back(mx::slice_update(buf, part, mx::Shape{0, 0, 0, 0}, mx::Shape{b, c.num_heads, total, c.head_dim()}));
    }
  }
  auto last = mx::squeeze(mx::slice(x, {0, total - 1, 0}, {b, total, c.hidden_dim}), 1);
  auto logits = t2s_linear(last, m.predict);
  std::vector<mx::array> outs{logits};
  outs.insert(outs.end(), cache.k.begin(), cache.k.end());
  outs.insert(outs.end(), cache.v.begin(), cache.v.end());
  mx::eval(outs);
  return logits;
}

mx::array t2s_decode_step(const T2SWeights& m, const mx::array& tokens, int audio_position, T2SKVCache& cache) {
  const auto& c = m.config;
  GSV_CHECK(int(cache.k.size()) == c.num_layers, "decode before prefill");
  if (tokens.ndim() != 1 || tokens.shape(0) != cache.k[0].shape(0) || !mx::issubdtype(tokens.dtype(), mx::integer))
    bad_input("decode tokens must be integer ids of shape [", cache.k[0].shape(0), "] (one per batch row), got ",
              shape_string(tokens.shape()));
  if (audio_position < 0) bad_input("audio position must be >= 0, got ", audio_position);
  const int b = tokens.shape(0), pos = cache.length;
  reserve(cache, pos + 1);
  const int dh = c.head_dim(), heads = c.num_heads;
  auto x = embedding(mx::reshape(mx::astype(tokens, mx::int32), {b, 1}), m.audio_embedding);
  x = add_positions(x, m.audio_alpha, sine_positions(m, audio_position, 1));
  const float scale = attention_scale(c);
  for (size_t i = 0; i < m.layers.size(); ++i) {
    auto [q, k, v] = split_heads_one(t2s_linear(x, m.layers[i].qkv), heads);
    // Written in place (the previous buffer has no other owner, so MLX donates it).
    const mx::Shape start{0, 0, pos, 0}, stop{b, heads, pos + 1, dh};
    cache.k[i] = mx::slice_update(cache.k[i], k, start, stop);
    cache.v[i] = mx::slice_update(cache.v[i], v, start, stop);
    x = block_tail(m.layers[i], x, decode_attention(q, cache.k[i], cache.v[i], pos + 1, scale));
  }
  cache.length = pos + 1;
  auto logits = t2s_linear(mx::squeeze(x, 1), m.predict);
  std::vector<mx::array> outs{logits};
  outs.insert(outs.end(), cache.k.begin(), cache.k.end());
  outs.insert(outs.end(), cache.v.begin(), cache.v.end());
  mx::eval(outs);
  return logits;
}

// ====================================================================== generation

namespace {

constexpr int kEosBannedSteps = 11;  // "at least 10 tokens before stopping" (idx < 11 drops the EOS column)

std::vector<int32_t> to_host(const mx::array& a) {
  auto i = mx::astype(mx::flatten(a), mx::int32);
  mx::eval(i);
  return std::vector<int32_t>(i.data<int32_t>(), i.data<int32_t>() + i.size());
}

T2SResult generate_one(const T2SWeights& m, const mx::array& phones, const mx::array& bert,
                       const std::optional<mx::array>& prompt, const T2SGenerateOptions& o, mx::array key) {
  const int vocab = m.config.vocab_size, eos = m.config.eos;
  const bool reference_free = !prompt;
  T2SResult r;
  r.y = prompt ? to_host(*prompt) : std::vector<int32_t>{};
  const int prefix = int(r.y.size());
  const bool greedy = o.sampling.top_k == 1 && !o.exponential_noise;

  T2SKVCache cache;
  mx::array logits = t2s_prefill(m, phones, bert, prompt, cache);
  int idx = 0;
  for (;; ++idx) {
    if (idx > 0) logits = t2s_decode_step(m, mx::array({r.y.back()}, {1}), prefix + idx - 1, cache);
    if (idx < kEosBannedSteps) logits = mx::slice(logits, {0, 0}, {1, vocab - 1});

    std::optional<mx::array> noise, step_key;
    if (o.exponential_noise) {
      noise = o.exponential_noise(idx, logits.shape());
    } else if (!greedy) {
      auto [next, sub] = mx::random::split(key);
      key = next;
      step_key = sub;
    }
    const auto previous = mx::array(r.y.data(), {1, int(r.y.size())}, mx::int32);
    auto step = sample_tokens(logits, previous, o.sampling, noise, step_key);
    // The EOS test reads argmax of the logits *after* the in-place repetition penalty.
    auto argmax = greedy ? step.tokens : mx::astype(mx::argmax(step.penalised, -1), mx::int32);
    mx::eval(step.tokens, argmax);
    const int token = step.tokens.item<int32_t>();
    r.y.push_back(token);

    bool stop = false;
    if (o.early_stop_num != -1 && int(r.y.size()) - prefix > o.early_stop_num) {
      stop = true;
      r.stop = T2SStop::EarlyStop;
    }
    if (argmax.item<int32_t>() == eos || token == eos) {
      stop = true;
      r.stop = T2SStop::Eos;
      r.y.pop_back();  // whatever was sampled, even a non-EOS token when only the argmax was EOS
    }
    if (idx == o.max_steps - 1 && !stop) {
      stop = true;
      r.stop = T2SStop::MaxSteps;
    }
    if (stop && r.stop != T2SStop::Eos && o.drop_last_on_cap) r.y.pop_back();
    if (o.on_step) o.on_step(r.y, stop);
    if (stop) break;
  }
  if (r.y.empty()) r.y.push_back(0);  // upstream's "bad zero prediction"
  r.steps = idx + 1;
  r.idx = reference_free ? 0 : idx;
  // TTS.py keeps pred_semantic[-idx:]; -0 is 0 in Python, so idx == 0 keeps everything. After the
  // step cap (or an early stop) y holds idx + 1 new tokens and this drops the first one (quirk).
  const size_t keep = r.idx == 0 ? r.y.size() : std::min<size_t>(r.idx, r.y.size());
  r.semantic.assign(r.y.end() - keep, r.y.end());
  return r;
}

}  // namespace

std::vector<T2SResult> t2s_generate(const T2SWeights& m, const mx::array& phones, const mx::array& bert,
                                    const std::optional<mx::array>& prompt, const T2SGenerateOptions& o) {
  validate_sampling(o.sampling);
  if (o.max_steps < 1) bad_input("max_steps must be at least 1 (got ", o.max_steps, ")");
  t2s_check_inputs(m, phones, bert, prompt);
  const int b = phones.shape(0), x = phones.shape(1);
  auto keys = mx::random::split(mx::random::key(o.seed), b);
  std::vector<T2SResult> out;
  for (int i = 0; i < b; ++i) {
    auto row_phones = mx::slice(phones, {i, 0}, {i + 1, x});
    auto row_bert = mx::slice(bert, {i, 0, 0}, {i + 1, bert.shape(1), x});
    std::optional<mx::array> row_prompt;
    if (prompt) row_prompt = mx::slice(*prompt, {i, 0}, {i + 1, prompt->shape(1)});
    auto key = mx::squeeze(mx::slice(keys, {i, 0}, {i + 1, keys.shape(1)}), 0);
    out.push_back(generate_one(m, row_phones, row_bert, row_prompt, o, key));
  }
  return out;
}

}  // namespace gsv
