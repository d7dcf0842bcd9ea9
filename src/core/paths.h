// Where things live on disk: the frontend data built by setup.sh, and the user's home folder
// ($GPT_SOVITS_HOME, default ~/.local/share/gpt-sovits) with pretrained/, voices/ and cache/.
#pragma once

#include <filesystem>

namespace gsv {

// The frontend dictionaries (jieba, pypinyin, cmudict, g2p_en...). $GPT_SOVITS_DATA wins over
// the folder setup.sh filled at build time.
std::filesystem::path data_dir();

// $GPT_SOVITS_HOME, else $XDG_DATA_HOME/gpt-sovits, else ~/.local/share/gpt-sovits.
std::filesystem::path home_dir();

const char* version_string();

}  // namespace gsv
