// The two resamplers upstream uses, reproduced so that features match:
//  - librosa.load(sr=...) with res_type "soxr_hq" (python-soxr over libsoxr, HQ recipe): the
//    16 kHz HuBERT input. We call Debian's libsoxr with the same recipe.
//  - torchaudio.transforms.Resample (sinc_interp_hann, lowpass_filter_width 6, rolloff 0.99):
//    the 32 kHz reference spectrogram and the 16 kHz speaker-verification input.
#pragma once

#include <vector>

namespace gsv::audio {

// librosa.resample(y, orig_sr, target_sr, res_type="soxr_hq"): libsoxr HQ, linear phase, and the
// output fixed to ceil(N * target / orig) samples as librosa's fix_length does.
std::vector<float> resample_soxr_hq(const std::vector<float>& x, int from_rate, int to_rate);

// torchaudio.functional.resample with its defaults (sinc_interp_hann, width 6, rolloff 0.99):
// output length ceil(N * to / from).
std::vector<float> resample_sinc_hann(const std::vector<float>& x, int from_rate, int to_rate);

}  // namespace gsv::audio
