// English grapheme-to-phoneme: upstream text/english.py g2p() (en_G2p, a g2p_en.G2p subclass).
//
// Per token of NLTK's TweetTokenizer, tagged by the averaged-perceptron POS tagger:
//   no letter            -> the token itself (punctuation)
//   one letter           -> "A" alone is EY1, else the CMU entry of the letter
//   g2p_en homograph     -> pronunciation by POS (upstream's "read"/"complex" overrides included)
//   otherwise qryword(): CMU dictionary (len > 1) -> name dictionary (Title-case words) -> spelled
//                        letter by letter (<= 3 chars) -> "xxx's" from "xxx" -> wordsegment split,
//                        recursing on the pieces -> g2p_en's neural predictor.
// The dictionary is upstream's: cmudict.rep (from line 57), then cmudict-fast.rep for missing
// words, then engdict-hot.rep overrides, minus ae/ai/ar/ios/hud/os; names from
// namedict_cache.pickle. Phones outside the v2 symbol table are dropped ("'" becomes "-").
#pragma once

#include <string>

#include "text/g2p_result.h"

namespace gsv::text {

// `norm_text` is en_normalize() output. word2ph is empty (upstream None). The result is english.g2p's
// phone list; clean_text's "fewer than 4 phones -> prepend ','" is applied by the frontend.
G2PResult en_g2p(const std::string& norm_text);

// Loads every English table now (normally loaded on first use), e.g. to time start-up or to fail
// early with a clear message when set-up has not been run.
void en_preload();

}  // namespace gsv::text
