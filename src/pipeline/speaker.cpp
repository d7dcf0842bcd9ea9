#include "pipeline/speaker.h"

#include "audio/fbank.h"
#include "core/error.h"

namespace gsv::pipeline {

mx::array compute_sv_embedding(const models::ERes2NetV2& model, const mx::array& wav16k) {
  if (wav16k.ndim() != 1 && wav16k.ndim() != 2)
    bad_input("speaker embedding: expected a [samples] or [batch, samples] 16 kHz waveform, got ", wav16k.ndim(),
              " dims");
  auto wav = wav16k.ndim() == 1 ? mx::expand_dims(wav16k, 0) : wav16k;
  auto feats = audio::kaldi_fbank(wav);  // [B, frames, 80]; BadInput below one frame
  return models::eres2netv2_forward3(model, feats);
}

}  // namespace gsv::pipeline
