// `gpt-sovits g2p`: runs the text frontend alone and shows what the models would be given: the
// segments the text is cut into, each segment's language chunks, their normalised text, phones,
// symbol ids and word2ph (how many phones each character of a Chinese chunk has).
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "app/cli.h"
#include "core/error.h"
#include "text/cut.h"
#include "text/frontend.h"

namespace gsv::app {

namespace {

struct G2pOptions {
  std::string text;
  std::string lang = "auto";
  std::string cut = "cut5";
  bool json = false;
};

template <class T>
std::string joined(const std::vector<T>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ' ';
    if constexpr (std::is_same_v<T, std::string>) {
      s += v[i];
    } else {
      s += std::to_string(v[i]);
    }
  }
  return s;
}

nlohmann::ordered_json to_json(const text::PreprocessResult& r, const G2pOptions& o) {
  nlohmann::ordered_json segments = nlohmann::ordered_json::array();
  for (const auto& seg : r.segments) {
    nlohmann::ordered_json chunks = nlohmann::ordered_json::array();
    for (const auto& c : seg.chunks) {
      chunks.push_back({{"lang", c.lang},
                        {"text", c.text},
                        {"norm_text", c.norm_text},
                        {"phones", c.phones},
                        {"phone_ids", c.phone_ids},
                        {"word2ph", c.lang == "zh" ? nlohmann::ordered_json(c.word2ph) : nlohmann::ordered_json(nullptr)}});
    }
    segments.push_back({{"text", seg.text}, {"norm_text", seg.norm_text()}, {"phone_ids", seg.phone_ids()},
                        {"chunks", chunks}});
  }
  return {{"lang", o.lang}, {"cut", o.cut}, {"segments", segments}, {"warnings", r.warnings}};
}

void print_text(const text::PreprocessResult& r) {
  int n = 0;
  for (const auto& seg : r.segments) {
    std::cout << "segment " << ++n << ": " << seg.text << "\n";
    for (const auto& c : seg.chunks) {
      std::cout << "  [" << c.lang << "] " << c.norm_text << "\n"
                << "    phones:  " << joined(c.phones) << "\n"
                << "    ids:     " << joined(c.phone_ids) << "\n";
      if (c.lang == "zh") std::cout << "    word2ph: " << joined(c.word2ph) << "\n";
    }
  }
  if (r.segments.empty()) std::cout << "(nothing to speak)\n";
  for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
}

}  // namespace

void add_g2p_verb(CLI::App& app) {
  auto opt = std::make_shared<G2pOptions>();
  auto* sub = app.add_subcommand(
      "g2p",
      "Show how text is read: cut into segments, split by language, normalised and turned into phones\n"
      "(the v2 symbols and their ids), with word2ph for Chinese chunks. Nothing is synthesised.\n"
      "Examples:\n"
      "  gpt-sovits g2p \"今天是2024年1月1日，我用ChatGPT写了100行代码。\"\n"
      "  gpt-sovits g2p --lang en --cut cut0 \"It costs $12.50 at 3:30 p.m.\"\n"
      "  echo \"你好，world\" | gpt-sovits g2p --json -");
  sub->add_option("text", opt->text, "the text to read (UTF-8); \"-\" reads it from standard input")->required();
  sub->add_option("--lang", opt->lang,
                  "auto (split by script), zh (Chinese with English words), en (all English),\n"
                  "all_zh (Chinese; fully English chunks stay English), all_en (= en)")
      ->capture_default_str();
  sub->add_option("--cut", opt->cut,
                  "cut0 none, cut1 every 4 clauses, cut2 ~50 characters, cut3 at 。, cut4 at .,\n"
                  "cut5 at every punctuation mark (the API default)")
      ->capture_default_str();
  sub->add_flag("--json", opt->json, "print one line of JSON: segments, their chunks (lang, norm_text, phones, phone_ids,\n"
                "word2ph) and warnings");
  set_action(sub, [opt] {
    std::string text = opt->text;
    if (text == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    const text::PreprocessResult r = text::preprocess(text, opt->lang, opt->cut);
    if (opt->json) {
      std::cout << to_json(r, *opt).dump() << "\n";
    } else {
      print_text(r);
    }
    return kExitOk;
  });
}

}  // namespace gsv::app
