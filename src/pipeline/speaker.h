// The v2Pro / v2ProPlus speaker embedding as upstream's sv.py computes it (SV.compute_embedding3):
//
//   feat = stack([kaldi.fbank(wav0[None], num_mel_bins=80, sample_frequency=16000, dither=0) for wav0 in wav])
//   sv_emb = embedding_model.forward3(feat)                                    # [B, 20480]
//
// on the 16 kHz float waveform in [-1, 1] (TTS.py resamples the peak-guarded 32 kHz reference with
// torchaudio's Resample(32000, 16000) first). No normalisation of the waveform or of the features;
// fp32 (upstream's CPU/Mac path; with is_half on CUDA it would run the same in fp16).
//
// It composes audio/fbank and models/eres2netv2 (upstream's SV class), so it lives in pipeline/.
#pragma once

#include <mlx/mlx.h>

#include "models/eres2netv2.h"

namespace gsv::pipeline {

namespace mx = mlx::core;

// wav16k: [N] or [B, N] float32 at 16 kHz (a batch must share one length, as torch.stack requires).
// Returns [B, 32 m * 10] ([1, 20480] for one clip and the real model). Clips shorter than one 25 ms
// fbank frame (400 samples) are a BadInput error.
mx::array compute_sv_embedding(const models::ERes2NetV2& model, const mx::array& wav16k);

}  // namespace gsv::pipeline
