#include "app/synthesis_flags.h"

#include <iostream>

namespace gsv::app {

void add_synthesis_flags(CLI::App* sub, SynthesisFlags& f) {
  auto& o = f.options;
  sub->add_option("--lang", o.text_lang, "Language of --text: auto, zh, en, all_zh, all_en")->capture_default_str();
  sub->add_option("--cut", o.cut_method,
                  "How to split the text: cut0 none, cut1 every 4 clauses, cut2 ~50 chars, cut3 at 。, "
                  "cut4 at '.', cut5 at every punctuation mark")
      ->capture_default_str();
  sub->add_option("--top-k", o.top_k, "Sample among the k most likely tokens (1 = greedy)")->capture_default_str();
  sub->add_option("--top-p", o.top_p, "Nucleus sampling on the untempered logits (1 = off)")->capture_default_str();
  sub->add_option("--temperature", o.temperature, "Sampling temperature")->capture_default_str();
  sub->add_option("--repetition-penalty", o.repetition_penalty, "Penalty on tokens already used")->capture_default_str();
  sub->add_option("--speed", o.speed, "Speaking rate (latent interpolation; pitch is unchanged)")->capture_default_str();
  sub->add_option("--fragment-interval", o.fragment_interval, "Seconds of silence after each text segment")
      ->capture_default_str();
  sub->add_option("--seed", o.seed, "Random seed; -1 picks one (printed, so a result can be repeated)")
      ->capture_default_str();
  sub->add_option("--noise-scale", o.noise_scale, "SoVITS prior noise (0 = deterministic decoder)")->capture_default_str();
  sub->add_option("--batch-size", o.batch_size, "Text segments per T2S batch")->capture_default_str();
  sub->add_option("--batch-threshold", o.batch_threshold, "Bucketing threshold when --batch-size > 1")
      ->capture_default_str();
  sub->add_flag("--split-bucket,!--no-split-bucket", o.split_bucket,
                "Group segments of similar length into batches (only with --batch-size > 1 at speed 1)")
      ->capture_default_str();
  sub->add_option("--max-tokens", o.max_tokens, "Cap on semantic tokens per segment (25 per second of audio)")
      ->capture_default_str();
  sub->add_option("--stream", o.streaming_mode,
                  "Streaming mode: 0 whole utterance, 1 one chunk per text segment, 2 token chunks cut at pauses, 3 fixed-length token chunks (--min-chunk-length)")
      ->capture_default_str();
  sub->add_option("--overlap-length", o.overlap_length, "Streaming modes 2/3: tokens of overlap between chunks")
      ->capture_default_str();
  sub->add_option("--min-chunk-length", o.min_chunk_length, "Streaming modes 2/3: tokens per chunk, at least")
      ->capture_default_str();
  sub->add_option("--precision", f.precision, "T2S weights: fp32, fp16, bf16, q8, q4")->capture_default_str();
  sub->add_option("--sample-steps", f.sample_steps, "Ignored: v3/v4 only (kept for api_v2 compatibility)");
  sub->add_flag("--super-sampling", f.super_sampling, "Ignored: v3 only (kept for api_v2 compatibility)");
}

void warn_ignored_flags(const CLI::App* sub, const SynthesisFlags& f) {
  if (sub->count("--sample-steps")) std::cerr << "note: --sample-steps is ignored by v2-family models (v3/v4 only)\n";
  if (f.super_sampling) std::cerr << "note: --super-sampling is ignored by v2-family models (v3 only)\n";
}

}  // namespace gsv::app
