// SynthesizerTrn (upstream module/models.py) for inference: config, loading, extract_latent, decode and
// decode_streaming. The submodules live in sovits_{text_encoder,ref_enc,flow,generator}.cpp.
#include "models/sovits.h"

#include <cmath>
#include <random>

#include "core/error.h"
#include "core/torch_checkpoint.h"

namespace gsv {

namespace {

using json = nlohmann::json;

const char* kCodebook = "quantizer.vq.layers.0._codebook.";

int json_int(const json& section, const char* key, int fallback, const std::string& source) {
  if (!section.is_object() || !section.contains(key) || section[key].is_null()) return fallback;
  const auto& v = section[key];
  if (!v.is_number_integer()) bad_input(source, ": config value '", key, "' should be an integer, got ", v.dump());
  return v.get<int>();
}

std::vector<int> json_ints(const json& section, const char* key, std::vector<int> fallback, const std::string& source) {
  if (!section.is_object() || !section.contains(key) || section[key].is_null()) return fallback;
  const auto& v = section[key];
  std::vector<int> out;
  if (v.is_array())
    for (const auto& e : v)
      if (e.is_number_integer()) out.push_back(e.get<int>());
  if (!v.is_array() || out.size() != v.size())
    bad_input(source, ": config value '", key, "' should be a list of integers, got ", v.dump());
  return out;
}

// Rows of a weight, or -1 when absent.
int dim_of(const WeightMap& w, const std::string& name, int axis) {
  if (!w.has(name)) return -1;
  const auto& a = w.peek(name);
  return axis < a.ndim() ? a.shape(axis) : -1;
}

int required_dim(const WeightMap& w, const std::string& name, int axis) {
  const int d = dim_of(w, name, axis);
  if (d < 0) bad_input(w.source(), ": missing weight '", name, "'; this is not a SoVITS (s2) model file");
  return d;
}

void cross_check(const WeightMap& w, const char* config_key, int config_value, const std::string& tensor,
                 int tensor_value) {
  if (config_value != tensor_value)
    bad_input(w.source(), ": the config says ", config_key, " = ", config_value, " but '", tensor, "' implies ",
              tensor_value, "; the config does not belong to these weights");
}

std::string detect_version(const WeightMap& w) {
  if (!w.has("sv_emb.weight")) return "v2";
  // ProPlus widens the generator to 768 channels (s2v2ProPlus.json upsample_initial_channel).
  return dim_of(w, "dec.conv_pre.weight", 0) == 768 ? "v2ProPlus" : "v2Pro";
}

void add(std::vector<mx::array>& out, const Linear& l) {
  out.push_back(l.weight);
  if (l.bias) out.push_back(*l.bias);
}
void add(std::vector<mx::array>& out, const Conv1d& c) {
  out.push_back(c.weight);
  if (c.bias) out.push_back(*c.bias);
}
void add(std::vector<mx::array>& out, const ConvTranspose1d& c) {
  out.push_back(c.weight);
  if (c.bias) out.push_back(*c.bias);
}
void add(std::vector<mx::array>& out, const LayerNorm& n) {
  out.push_back(n.weight);
  out.push_back(n.bias);
}
void add(std::vector<mx::array>& out, const sovits::Attention& a) {
  for (const auto* l : {&a.q, &a.k, &a.v, &a.o}) add(out, *l);
  if (a.rel_k) out.push_back(*a.rel_k);
  if (a.rel_v) out.push_back(*a.rel_v);
}
void add(std::vector<mx::array>& out, const sovits::Encoder& e) {
  for (const auto& l : e.layers) {
    add(out, l.attn);
    add(out, l.norm1);
    add(out, l.norm2);
    add(out, l.ffn_conv1);
    add(out, l.ffn_conv2);
  }
}

std::vector<mx::array> all_weights(const SovitsModel& m) {
  std::vector<mx::array> out{m.codebook, m.codebook_sq_norm, m.enc_p.text_embedding.table};
  add(out, m.ssl_proj);
  add(out, m.enc_p.ssl_proj);
  for (const auto* e : {&m.enc_p.encoder_ssl, &m.enc_p.encoder_text, &m.enc_p.encoder2}) add(out, *e);
  for (const auto* l : {&m.enc_p.mrte.c_pre, &m.enc_p.mrte.text_pre, &m.enc_p.mrte.c_post, &m.enc_p.proj})
    add(out, *l);
  add(out, m.enc_p.mrte.cross);
  const auto& r = m.ref_enc;
  for (const auto* l : {&r.spectral0, &r.spectral3, &r.w_qs, &r.w_ks, &r.w_vs, &r.fc_attn, &r.fc}) add(out, *l);
  add(out, r.temporal0);
  add(out, r.temporal1);
  for (const auto& c : m.flow.couplings) {
    add(out, c.pre);
    add(out, c.post);
    add(out, c.enc.cond);
    for (const auto& l : c.enc.in_layers) add(out, l);
    for (const auto& l : c.enc.res_skip) add(out, l);
  }
  add(out, m.dec.conv_pre);
  add(out, m.dec.conv_post);
  add(out, m.dec.cond);
  for (const auto& u : m.dec.ups) add(out, u);
  for (const auto& rb : m.dec.resblocks) {
    for (const auto& c : rb.convs1) add(out, c);
    for (const auto& c : rb.convs2) add(out, c);
  }
  if (m.sv_emb) add(out, *m.sv_emb);
  if (m.ge_to512) add(out, *m.ge_to512);
  if (m.prelu) out.push_back(*m.prelu);
  return out;
}

}  // namespace

int SovitsConfig::samples_per_frame() const {
  int n = 1;
  for (int r : upsample_rates) n *= r;
  return n;
}

SovitsConfig sovits_config_from_checkpoint(const json& config_json, const WeightMap& w) {
  const std::string& src = w.source();
  const json empty = json::object();
  const json& m = config_json.is_object() && config_json.contains("model") ? config_json["model"] : empty;
  const json& d = config_json.is_object() && config_json.contains("data") ? config_json["data"] : empty;

  SovitsConfig c;
  c.version = detect_version(w);
  if (m.is_object() && m.contains("resblock") && m["resblock"] != "1")
    fail(ErrorKind::Unsupported, src, ": resblock type ", m["resblock"].dump(),
         " is not supported (every v2-family model uses \"1\")");
  if (m.is_object() && m.contains("semantic_frame_rate") && m["semantic_frame_rate"].is_string() &&
      m["semantic_frame_rate"] != "25hz")
    fail(ErrorKind::Unsupported, src, ": semantic_frame_rate ", m["semantic_frame_rate"].dump(),
         " is not supported (upstream forces 25hz at inference)");

  c.inter_channels = json_int(m, "inter_channels", c.inter_channels, src);
  c.hidden_channels = json_int(m, "hidden_channels", c.hidden_channels, src);
  c.filter_channels = json_int(m, "filter_channels", c.filter_channels, src);
  c.n_heads = json_int(m, "n_heads", c.n_heads, src);
  c.n_layers = json_int(m, "n_layers", c.n_layers, src);
  c.kernel_size = json_int(m, "kernel_size", c.kernel_size, src);
  c.resblock_kernel_sizes = json_ints(m, "resblock_kernel_sizes", c.resblock_kernel_sizes, src);
  if (m.is_object() && m.contains("resblock_dilation_sizes")) {
    c.resblock_dilation_sizes.clear();
    const auto& dil = m["resblock_dilation_sizes"];
    if (!dil.is_array()) bad_input(src, ": config value 'resblock_dilation_sizes' should be a list of lists");
    for (const auto& e : dil) c.resblock_dilation_sizes.push_back(json_ints(json{{"v", e}}, "v", {}, src));
  }
  c.upsample_rates = json_ints(m, "upsample_rates", c.upsample_rates, src);
  c.upsample_kernel_sizes = json_ints(m, "upsample_kernel_sizes", c.upsample_kernel_sizes, src);
  c.sampling_rate = json_int(d, "sampling_rate", c.sampling_rate, src);
  c.hop_length = json_int(d, "hop_length", c.hop_length, src);

  // gin and the generator width are cross-checked against the tensors; without a config they come
  // from the tensors alone.
  const int gin_t = required_dim(w, "ref_enc.fc.fc.weight", 0);
  const int up_t = required_dim(w, "dec.conv_pre.weight", 0);
  c.gin_channels = json_int(m, "gin_channels", gin_t, src);
  c.upsample_initial_channel = json_int(m, "upsample_initial_channel", up_t, src);
  cross_check(w, "gin_channels", c.gin_channels, "ref_enc.fc.fc.weight", gin_t);
  cross_check(w, "upsample_initial_channel", c.upsample_initial_channel, "dec.conv_pre.weight", up_t);
  if (m.is_object() && m.contains("version") && m["version"].is_string()) {
    const std::string said = m["version"];
    const bool said_pro = said == "v2Pro" || said == "v2ProPlus";
    if ((said == "v2" || said_pro) && said_pro != c.is_pro())
      bad_input(src, ": the config says version ", said, " but the weights are ", c.version,
                (c.is_pro() ? " (they have sv_emb)" : " (they have no sv_emb)"), "; the file is mislabelled");
  }

  // Widths upstream hard-codes in its constructors: from the shapes.
  c.ssl_dim = required_dim(w, "ssl_proj.weight", 0);
  c.codebook_size = required_dim(w, std::string(kCodebook) + "embed", 0);
  c.n_symbols = required_dim(w, "enc_p.text_embedding.weight", 0);
  c.mrte_hidden = required_dim(w, "enc_p.mrte.c_pre.weight", 0);
  c.ref_enc_hidden = required_dim(w, "ref_enc.spectral.0.fc.weight", 0);
  c.ref_enc_in = required_dim(w, "ref_enc.spectral.0.fc.weight", 1);
  if (c.is_pro()) c.sv_dim = required_dim(w, "sv_emb.weight", 1);
  if (required_dim(w, "ssl_proj.weight", 2) != 2)
    fail(ErrorKind::Unsupported, src, ": ssl_proj has kernel ", dim_of(w, "ssl_proj.weight", 2),
         "; only 25 Hz semantic models (kernel 2, stride 2) are supported");
  if (c.n_symbols == 322)
    fail(ErrorKind::Unsupported, src, ": this is a v1 SoVITS model (322 phone symbols); only v2, v2Pro and "
         "v2ProPlus are supported");
  return c;
}

SovitsModel load_sovits(WeightMap& w, const SovitsConfig& c) {
  using namespace sovits;
  // encoder_ssl and encoder2 get n_layers // 2 layers (floor, as upstream; possibly none).
  if (c.n_layers < 1) bad_input(w.source(), ": n_layers must be at least 1, got ", c.n_layers);
  if (!c.is_pro() && c.gin_channels != c.mrte_hidden)
    bad_input(w.source(), ": a v2 model adds ge (", c.gin_channels, " wide) to MRTE's ", c.mrte_hidden,
              "-wide hidden state; the widths must match");
  w.ignore_prefix("enc_q.");  // the posterior encoder (training only; savee drops it)
  for (const char* buf : {"embed_avg", "cluster_size", "inited"}) w.ignore(std::string(kCodebook) + buf);

  const int H = c.hidden_channels;
  SovitsModel model{
      c,
      load_conv1d(w, "ssl_proj.", {.in = c.ssl_dim, .out = c.ssl_dim, .kernel = 2, .stride = 2}),
      w.take(std::string(kCodebook) + "embed", {c.codebook_size, c.ssl_dim}),
      mx::array(0.0f),
      TextEncoder{
          load_pointwise(w, "enc_p.ssl_proj.", c.ssl_dim, H),
          load_encoder(w, "enc_p.encoder_ssl.", H, c.filter_channels, c.n_heads, c.n_layers / 2, c.kernel_size,
                       c.window_size),
          load_encoder(w, "enc_p.encoder_text.", H, c.filter_channels, c.n_heads, c.n_layers, c.kernel_size,
                       c.window_size),
          load_encoder(w, "enc_p.encoder2.", H, c.filter_channels, c.n_heads, c.n_layers / 2, c.kernel_size,
                       c.window_size),
          load_embedding(w, "enc_p.text_embedding.weight", c.n_symbols, H),
          load_mrte(w, "enc_p.mrte.", H, c.mrte_hidden, c.mrte_heads),
          load_pointwise(w, "enc_p.proj.", H, 2 * c.inter_channels),
          c.inter_channels},
      load_mel_style_encoder(w, "ref_enc.", c.ref_enc_in, c.ref_enc_hidden, c.gin_channels, c.ref_enc_heads,
                             c.ref_enc_kernel),
      load_flow(w, "flow.", c.inter_channels, H, c.flow_kernel, c.flow_layers, c.n_flows, c.gin_channels),
      load_generator(w, "dec.", c.inter_channels, c.upsample_initial_channel, c.gin_channels, c.upsample_rates,
                     c.upsample_kernel_sizes, c.resblock_kernel_sizes, c.resblock_dilation_sizes),
      std::nullopt,
      std::nullopt,
      std::nullopt};
  model.codebook_sq_norm = mx::sum(mx::square(model.codebook), 1);
  if (c.is_pro()) {
    model.sv_emb = load_linear(w, "sv_emb.", c.sv_dim, c.gin_channels);
    model.prelu = w.take("prelu.weight", {c.gin_channels});
    model.ge_to512 = load_linear(w, "ge_to512.", c.gin_channels, c.mrte_hidden);
  }
  w.check_all_used("SoVITS " + c.version);
  // Materialise every weight once (fp16 -> fp32 upcasts and fused weight norms), so that decode calls
  // do not redo them and the fp16 originals are released.
  mx::eval(all_weights(model));
  return model;
}

LoadedSovits load_sovits_file(const std::filesystem::path& path, const std::optional<std::string>& expected_version) {
  if (!std::filesystem::exists(path)) fail(ErrorKind::MissingFile, path.string(), ": no such SoVITS weights file");
  auto file = TorchFile::open(path);
  const std::string src = path.string();
  const auto& magic = file.magic();
  if (magic == "03" || magic == "04")
    fail(ErrorKind::Unsupported, src, ": this is a v3/v4 LoRA SoVITS file (header \"", magic,
         "\"); only v2, v2Pro and v2ProPlus are supported");
  const auto& root = file.root();
  const pickle::Value* weight = root.is_dict_like() ? root.get("weight") : nullptr;
  if (!weight || !weight->is_dict_like()) {
    if (root.is_dict_like() && (root.get("state_dict") || root.get("optimizer_states")))
      bad_input(src, ": this is a training checkpoint, not exported SoVITS weights; export it with upstream's "
                "process_ckpt (SoVITS_weights_*/<name>.pth)");
    bad_input(src, ": not a SoVITS (s2) weights file: it has no 'weight' dict");
  }
  WeightMap w = file.weights(*weight);
  for (const auto& name : w.names()) {
    if (name.rfind("model.", 0) == 0)
      bad_input(src, ": this is a GPT (s1, .ckpt) model, not a SoVITS (s2, .pth) model; pass it as the GPT weights");
    if (name.rfind("discriminators.", 0) == 0)
      bad_input(src, ": this is the SoVITS discriminator (s2D*.pth), which is used only in training; pass the "
                "generator (s2G*.pth or SoVITS_weights_*/<name>.pth)");
    if (name.rfind("cfm.", 0) == 0)
      fail(ErrorKind::Unsupported, src, ": this is a v3/v4 SoVITS model; only v2, v2Pro and v2ProPlus are supported");
  }
  json config = json::object();
  if (const auto* c = root.get("config")) config = to_json(*c);
  SovitsConfig cfg = sovits_config_from_checkpoint(config, w);

  // The keys decide whether the model has the sv branch: a Pro header on weights without it means the
  // file is not what it claims to be.
  if ((magic == "05" || magic == "06") && !cfg.is_pro())
    bad_input(src, ": the file header says v2Pro", (magic == "06" ? "Plus" : ""),
              " but the weights have no sv_emb layer; the file is damaged or mislabelled");
  // Which Pro it is, upstream reads from the header (process_ckpt.head2version: "05" v2Pro, "06"
  // v2ProPlus) whatever the generator width; detect_version's 768-channel rule is for "PK" files
  // (upstream recognises the pretrained ones by their md5).
  if (magic == "05") cfg.version = "v2Pro";
  if (magic == "06") cfg.version = "v2ProPlus";
  if (expected_version && *expected_version != cfg.version)
    bad_input(src, ": expected a ", *expected_version, " SoVITS model but this file is ", cfg.version,
              "; pick the weights that match the voice (or change its version)");

  SovitsFileInfo info{cfg.version, magic, ""};
  if (const auto* i = root.get("info"); i && i->is_string()) info.info = i->text;
  return {load_sovits(w, cfg), info};
}

// ---------------------------------------------------------------- inference

namespace {

void check_int_array(const mx::array& a, const char* what) {
  if (!mx::issubdtype(a.dtype(), mx::integer)) bad_input(what, " must be an integer array, got dtype ", a.dtype());
}

// [N] -> [1, N]; [B, N] kept. Checks ids against [0, limit).
mx::array batch_ids(const mx::array& ids, const char* what, int limit, const char* hint) {
  check_int_array(ids, what);
  if (ids.ndim() != 1 && ids.ndim() != 2) bad_input(what, " must be [B, N] (or [N]), got ", shape_string(ids.shape()));
  auto a = ids.ndim() == 1 ? mx::expand_dims(ids, 0) : ids;
  if (a.shape(1) == 0) bad_input(what, " are empty: ", hint);
  auto lo = mx::min(a), hi = mx::max(a);
  mx::eval(lo, hi);
  const int64_t l = mx::astype(lo, mx::int64).item<int64_t>(), h = mx::astype(hi, mx::int64).item<int64_t>();
  if (l < 0 || h >= limit)
    bad_input(what, " must be in [0, ", limit, "), got values in [", l, ", ", h, "]: ", hint);
  return mx::astype(a, mx::int32);
}

mx::array speaker_vector(const SovitsModel& model, const std::vector<mx::array>& specs,
                         const std::vector<mx::array>& sv_embs) {
  const auto& c = model.cfg;
  if (specs.empty()) bad_input("decode needs at least one reference spectrogram");
  if (c.is_pro() && sv_embs.size() != specs.size())
    bad_input("a ", c.version, " model needs one speaker embedding (sv_emb, [1, ", c.sv_dim,
              "]) per reference spectrogram: got ", sv_embs.size(), " for ", specs.size(), " references");
  if (!c.is_pro() && !sv_embs.empty())
    bad_input("speaker embeddings (sv_emb) were given to a v2 model, which has no speaker-verification branch; "
              "use a v2Pro/v2ProPlus model or drop them");
  std::vector<mx::array> ges;
  for (size_t r = 0; r < specs.size(); ++r) {
    auto spec = specs[r];
    if (spec.ndim() == 2) spec = mx::expand_dims(spec, 0);
    if (spec.ndim() != 3 || spec.shape(0) != 1 || spec.shape(2) < c.ref_enc_in)
      bad_input("reference spectrogram ", r, " has shape ", shape_string(specs[r].shape()), "; expected [1, T_r, F] ",
                "channels-last with F >= ", c.ref_enc_in, " frequency bins (transpose a [1, F, T_r] spectrogram)");
    if (spec.shape(1) < 1)
      bad_input("reference spectrogram ", r, " has no frames; the reference audio is too short");
    if (!mx::issubdtype(spec.dtype(), mx::floating)) bad_input("reference spectrogram ", r, " must be float");
    auto ge = sovits::mel_style_encoder(mx::astype(spec, mx::float32), model.ref_enc);  // [1, gin]
    if (c.is_pro()) {
      auto sv = mx::astype(sv_embs[r], mx::float32);
      if (sv.size() != size_t(c.sv_dim))
        bad_input("speaker embedding ", r, " has shape ", shape_string(sv.shape()), "; expected [1, ", c.sv_dim, "]");
      sv = mx::reshape(sv, {1, c.sv_dim});
      ge = mx::add(ge, linear(sv, *model.sv_emb));
      // PReLU with one slope per channel, applied per reference before the average
      ge = mx::where(mx::greater_equal(ge, scalar_like(0.0f, ge)), ge, mx::multiply(ge, *model.prelu));
    }
    ges.push_back(ge);
  }
  if (ges.size() == 1) return ges[0];
  // torch.stack(ges, 0).mean(0)
  return mx::divide(mx::sum(mx::stack(ges, 0), 0), mx::array(float(ges.size()), mx::float32));
}

struct DecodeParts {
  mx::array audio, latent;
};

DecodeParts decode_impl(const SovitsModel& model, const mx::array& codes_in, const mx::array& phones_in,
                        const std::vector<mx::array>& specs, const sovits::TextEncoderStream& stream,
                        const SovitsDecodeOptions& o) {
  const auto& c = model.cfg;
  auto codes = batch_ids(codes_in, "semantic codes", c.codebook_size,
                         "they index the SoVITS codebook (T2S output or extract_latent)");
  auto phones = batch_ids(phones_in, "phone ids", c.n_symbols, "the text frontend produced no phones or a "
                          "symbol table of another version");
  const int B = codes.shape(0);
  if (phones.shape(0) != B)
    bad_input("codes have batch ", B, " but phones have batch ", phones.shape(0));
  if (!(o.speed > 0) || !std::isfinite(o.speed)) bad_input("speed must be a positive number, got ", o.speed);
  if (!std::isfinite(o.noise_scale) || o.noise_scale < 0) bad_input("noise_scale must be >= 0, got ", o.noise_scale);

  auto ge = speaker_vector(model, specs, o.sv_embs);                 // [1, gin]
  auto ge3 = mx::expand_dims(ge, 1);                                 // [1, 1, gin]
  auto ge_text = c.is_pro() ? linear(ge3, *model.ge_to512) : ge3;    // MRTE gets the 512-wide projection

  // quantizer.decode, then F.interpolate(nearest, x2): every 25 Hz code becomes two 50 Hz frames
  auto quantized = mx::repeat(mx::take(model.codebook, codes, 0), 2, 1);  // [B, 2Y, ssl_dim]
  auto enc = sovits::text_encoder(quantized, phones, ge_text, o.speed, model.enc_p, stream);

  mx::array z_p = enc.m;
  if (o.noise_scale != 0.0f || o.noise) {
    mx::array eps = enc.m;
    if (o.noise) {
      if (o.noise->shape() != enc.m.shape())
        bad_input("injected noise has shape ", shape_string(o.noise->shape()), " but the prior is ",
                  shape_string(enc.m.shape()));
      eps = mx::astype(*o.noise, mx::float32);
    } else {
      auto key = o.seed ? mx::random::key(*o.seed) : mx::random::key(std::random_device{}());
      eps = mx::random::normal(enc.m.shape(), mx::float32, 0.0f, 1.0f, key);
    }
    // m_p + randn_like(m_p) * exp(logs_p) * noise_scale, in upstream's order
    z_p = mx::add(enc.m, mx::multiply(mx::multiply(eps, mx::exp(enc.logs)), scalar_like(o.noise_scale, eps)));
  }
  auto z = sovits::flow_reverse(z_p, ge3, model.flow);
  auto wav = sovits::generator(z, ge3, model.dec);  // [B, samples, 1]
  wav = mx::reshape(wav, {wav.shape(0), wav.shape(1)});
  if (o.trace) {
    o.trace->ge = ge;
    o.trace->ge_text = mx::reshape(ge_text, {1, ge_text.shape(2)});
    o.trace->latent = enc.latent;
    o.trace->m = enc.m;
    o.trace->logs = enc.logs;
    o.trace->z = z;
  }
  return {wav, enc.latent};
}

}  // namespace

mx::array extract_latent(const SovitsModel& model, const mx::array& ssl) {
  const auto& c = model.cfg;
  if (ssl.ndim() != 3 || ssl.shape(2) != c.ssl_dim)
    bad_input("extract_latent expects HuBERT features [B, T, ", c.ssl_dim, "], got ", shape_string(ssl.shape()));
  if (ssl.shape(1) < 2)
    bad_input("extract_latent needs at least 2 HuBERT frames (40 ms of 16 kHz audio), got ", ssl.shape(1));
  auto x = conv1d(mx::astype(ssl, mx::float32), model.ssl_proj);  // [B, Y, D]
  const int B = x.shape(0), Y = x.shape(1), D = x.shape(2);
  auto flat = mx::reshape(x, {B * Y, D});
  // EuclideanCodebook.quantize: -(|x|² - 2 x·E + |E|²), argmax (the first index on ties)
  auto dist = mx::add(mx::subtract(mx::sum(mx::square(flat), 1, /*keepdims=*/true),
                                   mx::multiply(scalar_like(2.0f, flat), mx::matmul(flat, mx::transpose(model.codebook)))),
                      mx::expand_dims(model.codebook_sq_norm, 0));
  auto idx = mx::argmax(mx::negative(dist), 1);
  return mx::reshape(mx::astype(idx, mx::int32), {B, Y});
}

mx::array decode(const SovitsModel& model, const mx::array& codes, const mx::array& phones,
                 const std::vector<mx::array>& refer_specs, const SovitsDecodeOptions& options) {
  return decode_impl(model, codes, phones, refer_specs, {}, options).audio;
}

SovitsStreamResult decode_streaming(const SovitsModel& model, const mx::array& codes, const mx::array& phones,
                                    const std::vector<mx::array>& refer_specs, const SovitsStreamOptions& stream,
                                    const SovitsDecodeOptions& options) {
  // Lengths are in 25 Hz tokens; enc_p works on 50 Hz frames (upstream doubles them for "25hz").
  sovits::TextEncoderStream s;
  if (stream.padding_length) {
    if (*stream.padding_length < 0) bad_input("padding_length must be >= 0");
    s.padding_frames = 2 * *stream.padding_length;
  }
  if (stream.result_length) {
    if (*stream.result_length <= 0) bad_input("result_length must be > 0");
    s.result_frames = 2 * *stream.result_length;
  }
  if (stream.overlap_frames) s.overlap = mx::astype(*stream.overlap_frames, mx::float32);
  auto parts = decode_impl(model, codes, phones, refer_specs, s, options);
  return {parts.audio, parts.latent};
}

int sovits_output_samples(const SovitsConfig& cfg, int n_codes, double speed) {
  const int frames = 2 * n_codes;
  const int out = speed == 1.0 ? frames : int(double(frames) / speed) + 1;
  return out * cfg.samples_per_frame();
}

}  // namespace gsv
