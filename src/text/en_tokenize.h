// Word tokenisation as NLTK's TweetTokenizer() (preserve_case, match_phone_numbers) splits the
// normalised English text that upstream's g2p receives.
//
// The normaliser leaves only [ A-Za-z'.,?!-], and on that alphabet only four of TweetTokenizer's
// alternatives can ever match: naked domain names ("example.com"), words with inner apostrophes or
// hyphens, plain word runs, dot ellipses and single other characters (plus its rule that shortens
// runs of 4+ identical non-alphanumerics to 3). The URL/phone/emoticon/hashtag/email/emoji
// alternatives all need characters the normaliser has removed, so they are not implemented; other
// input is still tokenised safely by the rules above.
#pragma once

#include <string>
#include <vector>

namespace gsv::text::en {

std::vector<std::u32string> tweet_tokenize(const std::u32string& text);

}  // namespace gsv::text::en
