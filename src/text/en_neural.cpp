#include "text/en_neural.h"

#include "core/error.h"
#include "text/lang_unicode.h"

namespace gsv::text::en {

namespace {

const mx::Device kCpu(mx::Device::cpu);

// g2p_en's decoder vocabulary: 4 specials, then ARPAbet (with a bare "UW" that upstream drops).
const char* const kPhonemes[] = {
    "<pad>", "<unk>", "<s>", "</s>", "AA0", "AA1", "AA2", "AE0", "AE1", "AE2", "AH0", "AH1", "AH2", "AO0",
    "AO1", "AO2", "AW0", "AW1", "AW2", "AY0", "AY1", "AY2", "B",   "CH",  "D",   "DH",  "EH0", "EH1",
    "EH2", "ER0", "ER1", "ER2", "EY0", "EY1", "EY2", "F",   "G",   "HH",  "IH0", "IH1", "IH2", "IY0",
    "IY1", "IY2", "JH",  "K",   "L",   "M",   "N",   "NG",  "OW0", "OW1", "OW2", "OY0", "OY1", "OY2",
    "P",   "R",   "S",   "SH",  "T",   "TH",  "UH0", "UH1", "UH2", "UW",  "UW0", "UW1", "UW2", "V",
    "W",   "Y",   "Z",   "ZH"};
constexpr int kNumPhonemes = sizeof(kPhonemes) / sizeof(kPhonemes[0]);
constexpr int kStart = 2, kEnd = 3, kMaxPhones = 20;

mx::array take_weight(std::unordered_map<std::string, mx::array>& m, const std::string& name,
                      const std::filesystem::path& path) {
  auto it = m.find(name);
  if (it == m.end())
    fail(ErrorKind::BadInput, path.string(), " has no tensor '", name, "'; rebuild it with ./setup.sh");
  return mx::astype(it->second, mx::float32, kCpu);
}

mx::array numpy_sigmoid(const mx::array& x) {
  // numpy's 1 / (1 + exp(-x)), spelled out as g2p_en does.
  mx::array one = mx::array(1.0f);
  return mx::divide(one, mx::add(one, mx::exp(mx::negative(x, kCpu), kCpu), kCpu), kCpu);
}

// G2p.grucell: x [1, 256], h [1, 256].
mx::array gru_cell(const mx::array& x, const mx::array& h, const mx::array& w_ih, const mx::array& w_hh,
                   const mx::array& b_ih, const mx::array& b_hh) {
  mx::array ih = mx::add(mx::matmul(x, mx::transpose(w_ih, kCpu), kCpu), b_ih, kCpu);
  mx::array hh = mx::add(mx::matmul(h, mx::transpose(w_hh, kCpu), kCpu), b_hh, kCpu);
  const int hidden = static_cast<int>(w_hh.shape(1));
  auto ih_parts = mx::split(ih, mx::Shape{2 * hidden}, 1, kCpu);
  auto hh_parts = mx::split(hh, mx::Shape{2 * hidden}, 1, kCpu);
  mx::array rz = numpy_sigmoid(mx::add(ih_parts[0], hh_parts[0], kCpu));
  auto r_z = mx::split(rz, 2, 1, kCpu);
  mx::array n = mx::tanh(mx::add(ih_parts[1], mx::multiply(r_z[0], hh_parts[1], kCpu), kCpu), kCpu);
  mx::array one = mx::array(1.0f);
  return mx::add(mx::multiply(mx::subtract(one, r_z[1], kCpu), n, kCpu), mx::multiply(r_z[1], h, kCpu), kCpu);
}

mx::array embed(const mx::array& table, int index) {
  return mx::reshape(mx::take(table, index, 0, kCpu), {1, static_cast<int>(table.shape(1))}, kCpu);
}

}  // namespace

G2pNet load_g2p_net(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    fail(ErrorKind::MissingFile, "English g2p model ", path.string(),
         " is missing; run ./setup.sh (it builds .deps/data) or point $GPT_SOVITS_DATA at that folder");
  auto [m, meta] = mx::load_safetensors(path.string(), kCpu);
  G2pNet net{take_weight(m, "enc_emb", path),  take_weight(m, "enc_w_ih", path), take_weight(m, "enc_w_hh", path),
             take_weight(m, "enc_b_ih", path), take_weight(m, "enc_b_hh", path), take_weight(m, "dec_emb", path),
             take_weight(m, "dec_w_ih", path), take_weight(m, "dec_w_hh", path), take_weight(m, "dec_b_ih", path),
             take_weight(m, "dec_b_hh", path), take_weight(m, "fc_w", path),     take_weight(m, "fc_b", path)};
  if (net.enc_emb.shape(0) != 29 || net.dec_emb.shape(0) != kNumPhonemes || net.fc_w.shape(0) != kNumPhonemes)
    fail(ErrorKind::BadInput, path.string(), " does not have g2p_en's vocabulary sizes (29 letters, 74 phones)");
  mx::eval({net.enc_emb, net.enc_w_ih, net.enc_w_hh, net.enc_b_ih, net.enc_b_hh, net.dec_emb, net.dec_w_ih,
            net.dec_w_hh, net.dec_b_ih, net.dec_b_hh, net.fc_w, net.fc_b});
  return net;
}

std::vector<std::string> predict_phones(const G2pNet& net, const std::string& word) {
  // G2p.encode: graphemes are <pad> <unk> </s> a..z; the word ends with </s>.
  std::vector<int> ids;
  for (char32_t c : utf8_to_u32(word)) ids.push_back((c >= U'a' && c <= U'z') ? static_cast<int>(c - U'a') + 3 : 1);
  ids.push_back(2);

  const int hidden = static_cast<int>(net.enc_w_hh.shape(1));
  mx::array h = mx::zeros({1, hidden}, mx::float32, kCpu);
  for (int id : ids) h = gru_cell(embed(net.enc_emb, id), h, net.enc_w_ih, net.enc_w_hh, net.enc_b_ih, net.enc_b_hh);

  std::vector<std::string> phones;
  mx::array dec = embed(net.dec_emb, kStart);
  for (int step = 0; step < kMaxPhones; ++step) {
    h = gru_cell(dec, h, net.dec_w_ih, net.dec_w_hh, net.dec_b_ih, net.dec_b_hh);
    mx::array logits = mx::add(mx::matmul(h, mx::transpose(net.fc_w, kCpu), kCpu), net.fc_b, kCpu);
    mx::array best = mx::argmax(logits, kCpu);
    mx::eval({best, h});
    const int pred = best.item<uint32_t>();
    if (pred == kEnd) break;
    phones.push_back(pred < kNumPhonemes ? kPhonemes[pred] : "<unk>");
    dec = embed(net.dec_emb, pred);
  }
  return phones;
}

}  // namespace gsv::text::en
