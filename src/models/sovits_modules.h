// The submodules of the SoVITS synthesizer (see sovits.h for the model and its layouts): the prior
// text encoder with its relative-position transformer and MRTE (sovits_text_encoder.cpp), the
// reference MelStyleEncoder (sovits_ref_enc.cpp), the coupling flow (sovits_flow.cpp) and the
// HiFi-GAN generator (sovits_generator.cpp). Everything is channels-last [B, T, C] and B = 1 masks
// (all ones) are not materialised: upstream's decode always builds full-length masks.
#pragma once

#include <mlx/mlx.h>

#include <optional>
#include <string>
#include <vector>

#include "core/layers.h"
#include "core/weights.h"

namespace gsv::sovits {

namespace mx = mlx::core;

// A Conv1d with kernel 1 (upstream uses them for every projection) is a Linear on channels-last data:
// `<prefix>weight` [out, in, 1] (optionally weight-normed), `<prefix>bias` [out].
Linear load_pointwise(WeightMap& w, const std::string& prefix, int in, int out, bool bias = true,
                      WeightNorm norm = WeightNorm::None);

// ---------------------------------------------------------------- attentions.Encoder
// attentions.MultiHeadAttention: k=1 conv projections; with `window` > 0, relative-position
// embeddings shared by all heads (emb_rel_k / emb_rel_v [1, 2·window+1, head_dim]).
struct Attention {
  Linear q, k, v, o;
  int heads = 2;
  int window = 0;  // 0: no relative positions (MRTE's cross attention)
  std::optional<mx::array> rel_k, rel_v;  // [2·window+1, head_dim]
};
Attention load_attention(WeightMap& w, const std::string& prefix, int channels, int out_channels, int heads,
                         int window);
// x [B, Tq, C] attends to c [B, Tk, C]; relative positions need Tq == Tk.
mx::array attention(const mx::array& x, const mx::array& c, const Attention& a);

struct EncoderLayer {
  Attention attn;
  LayerNorm norm1, norm2;  // modules.LayerNorm: gamma/beta, eps 1e-5
  Conv1d ffn_conv1, ffn_conv2;  // "same" padding: left (k-1)/2, right k/2
  int kernel = 3;
};
struct Encoder {
  std::vector<EncoderLayer> layers;
};
Encoder load_encoder(WeightMap& w, const std::string& prefix, int hidden, int filter, int heads, int n_layers,
                     int kernel, int window);
mx::array encoder(const mx::array& x, const Encoder& e);

// ---------------------------------------------------------------- MRTE + TextEncoder (enc_p)
struct MRTE {
  Linear c_pre, text_pre, c_post;
  Attention cross;
};
MRTE load_mrte(WeightMap& w, const std::string& prefix, int content, int hidden, int heads);
// ssl [B, T, content], text [B, X, content], ge [B or 1, 1, hidden] -> [B, T, content]
mx::array mrte(const mx::array& ssl, const mx::array& text, const mx::array& ge, const MRTE& m);

struct TextEncoder {
  Linear ssl_proj;  // ssl_dim -> hidden (k=1; not the top-level k2 s2 ssl_proj)
  Encoder encoder_ssl, encoder_text, encoder2;
  Embedding text_embedding;
  MRTE mrte;
  Linear proj;  // hidden -> 2·inter
  int inter = 192;
};

// What enc_p returns: the prior after the optional speed interpolation, and the latent before it.
struct TextEncoderOutput {
  mx::array m, logs;  // [B, T', inter]
  mx::array latent;   // [B, T, hidden]: upstream's y_ (after encoder2, streaming slice and cross-fade)
};
struct TextEncoderStream {
  int padding_frames = 0;  // removed from the end before encoder2
  std::optional<int> result_frames;  // kept from the end after encoder2
  std::optional<mx::array> overlap;  // [B, n, hidden], cross-faded into the first n frames
};
TextEncoderOutput text_encoder(const mx::array& quantized /*[B, T, ssl_dim]*/, const mx::array& phones,
                               const mx::array& ge_text, double speed, const TextEncoder& enc,
                               const TextEncoderStream& stream = {});

// F.interpolate(mode="linear", align_corners=False) over time to `out_len` frames.
mx::array interpolate_linear(const mx::array& x /*[B, T, C]*/, int out_len);

// ---------------------------------------------------------------- ref_enc (modules.MelStyleEncoder)
struct MelStyleEncoder {
  Linear spectral0, spectral3;
  Conv1d temporal0, temporal1;  // Conv1dGLU convs, hidden -> 2·hidden
  Linear w_qs, w_ks, w_vs, fc_attn;
  Linear fc;
  int in = 704, hidden = 128, heads = 2;
};
MelStyleEncoder load_mel_style_encoder(WeightMap& w, const std::string& prefix, int in, int hidden, int out,
                                       int heads, int kernel);
// spec [1, T_r, >= in] -> [1, out]
mx::array mel_style_encoder(const mx::array& spec, const MelStyleEncoder& e);

// ---------------------------------------------------------------- flow (ResidualCouplingBlock, reverse)
struct WN {
  std::vector<Conv1d> in_layers;
  std::vector<Linear> res_skip;
  Linear cond;  // gin -> 2·hidden·n_layers
  int hidden = 192;
};
struct Coupling {
  Linear pre, post;  // mean_only: post outputs half the channels
  WN enc;
};
struct Flow {
  std::vector<Coupling> couplings;  // at module indices 0, 2, 4, ... (a Flip follows each)
  int channels = 192;
};
Flow load_flow(WeightMap& w, const std::string& prefix, int channels, int hidden, int kernel, int n_layers,
               int n_flows, int gin);
// flow(z_p, g, reverse=True): z [B, T, channels], ge [1 or B, 1, gin]
mx::array flow_reverse(const mx::array& z, const mx::array& ge, const Flow& f);

// ---------------------------------------------------------------- generator (HiFi-GAN)
struct ResBlock1 {
  std::vector<Conv1d> convs1, convs2;
};
struct Generator {
  Conv1d conv_pre, conv_post;
  Linear cond;
  std::vector<ConvTranspose1d> ups;
  std::vector<ResBlock1> resblocks;  // 3·stage + j
  int num_kernels = 3;
};
Generator load_generator(WeightMap& w, const std::string& prefix, int in, int initial, int gin,
                         const std::vector<int>& rates, const std::vector<int>& kernels,
                         const std::vector<int>& rb_kernels, const std::vector<std::vector<int>>& rb_dilations);
// z [B, T, in], ge [1 or B, 1, gin] -> [B, T·prod(rates), 1]
mx::array generator(const mx::array& z, const mx::array& ge, const Generator& g);

}  // namespace gsv::sovits
