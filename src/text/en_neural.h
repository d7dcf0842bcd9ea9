// g2p_en's neural predictor for out-of-vocabulary words: a one-layer GRU encoder over the letters
// and a greedy GRU decoder over ARPAbet phones (hidden 256, at most 20 phones), weights from the
// g2p_en wheel's checkpoint20.npz (converted at set-up to g2p_en.safetensors). Runs on MLX (CPU).
#pragma once

#include <mlx/mlx.h>

#include <filesystem>
#include <string>
#include <vector>

namespace gsv::text::en {

namespace mx = mlx::core;

struct G2pNet {
  mx::array enc_emb, enc_w_ih, enc_w_hh, enc_b_ih, enc_b_hh;  // embeddings [29, 256]; GRU [768, 256]
  mx::array dec_emb, dec_w_ih, dec_w_hh, dec_b_ih, dec_b_hh;  // embeddings [74, 256]
  mx::array fc_w, fc_b;                                       // [74, 256], [74]
};

G2pNet load_g2p_net(const std::filesystem::path& safetensors);

// G2p.predict(word): `word` is lower-case; characters outside a-z are fed as <unk>.
std::vector<std::string> predict_phones(const G2pNet& net, const std::string& word);

}  // namespace gsv::text::en
