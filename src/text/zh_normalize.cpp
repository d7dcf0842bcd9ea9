// chinese2.text_normalize: zh_normalization.TextNormalizer (PaddleSpeech's rules as upstream ships
// them) + replace_punctuation + replace_consecutive_punctuation. The rule order, the patterns and
// their quirks follow upstream exactly; comments name the quirks a line reproduces.
#include <algorithm>
#include <array>

// GCC 12 reports -Wstringop-overflow false positives on small std::u32string edits at -O2.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <string>
#include <vector>

#include "core/error.h"
#include "text/zh.h"
#include "text/zh_data.h"
#include "text/zh_regex.h"
#include "text/zh_unicode.h"

namespace gsv::text {

namespace {

using zh::Regex;
using u32 = std::u32string;
using zh::is_ascii_digit;

// ---- num.py verbalisers ------------------------------------------------------------------------

constexpr char32_t kDigits[10] = {U'零', U'一', U'二', U'三', U'四', U'五', U'六', U'七', U'八', U'九'};

char32_t digit_char(char32_t d) { return kDigits[d - U'0']; }

u32 lstrip_zeros(std::u32string_view s) {
  size_t i = 0;
  while (i < s.size() && s[i] == U'0') ++i;
  return u32(s.substr(i));
}

// _get_value: the digits of value_string with 十/百/千/万/亿 units, appended to out.
void get_value(std::u32string_view value, std::vector<char32_t>& out, bool use_zero = true) {
  u32 stripped = lstrip_zeros(value);
  if (stripped.empty()) return;
  if (stripped.size() == 1) {
    if (use_zero && stripped.size() < value.size()) out.push_back(U'零');
    out.push_back(digit_char(stripped[0]));
    return;
  }
  // The largest unit power (1, 2, 3, 4, 8) below the number of significant digits.
  static constexpr std::array<std::pair<size_t, char32_t>, 5> kUnits = {
      {{8, U'亿'}, {4, U'万'}, {3, U'千'}, {2, U'百'}, {1, U'十'}}};
  for (const auto& [power, unit] : kUnits) {
    if (power >= stripped.size()) continue;
    get_value(value.substr(0, value.size() - power), out);
    out.push_back(unit);
    get_value(value.substr(value.size() - power), out);
    return;
  }
}

u32 verbalize_cardinal(std::u32string_view value_string) {
  if (value_string.empty()) return u32();
  u32 value = lstrip_zeros(value_string);
  if (value.empty()) return u32(1, U'零');
  std::vector<char32_t> symbols;
  get_value(value, symbols);
  // 一十* is read 十*.
  size_t from = (symbols.size() >= 2 && symbols[0] == U'一' && symbols[1] == U'十') ? 1 : 0;
  return u32(symbols.begin() + ptrdiff_t(from), symbols.end());
}

u32 verbalize_digit(std::u32string_view value, bool alt_one = false) {
  u32 out;
  for (char32_t c : value) {
    char32_t d = digit_char(c);
    out.push_back(alt_one && d == U'一' ? U'幺' : d);
  }
  return out;
}

u32 num2str(std::u32string_view value_string) {
  size_t dot = value_string.find(U'.');
  std::u32string_view integer = value_string.substr(0, dot);
  u32 decimal = dot == std::u32string_view::npos ? u32() : u32(value_string.substr(dot + 1));
  GSV_CHECK(decimal.find(U'.') == u32::npos, "num2str got two decimal points");
  u32 result = verbalize_cardinal(integer);
  // Quirk kept: a decimal part ending in 0 keeps one trailing 0 ("3.50" -> 三点五零, "3.0" -> 三点零).
  bool ends_zero = !decimal.empty() && decimal.back() == U'0';
  while (!decimal.empty() && decimal.back() == U'0') decimal.pop_back();
  if (ends_zero) decimal.push_back(U'0');
  if (!decimal.empty()) {
    if (result.empty()) result = U"零";
    result += U'点';
    result += verbalize_digit(decimal);
  }
  return result;
}

// ---- the rules ---------------------------------------------------------------------------------

// num.COM_QUANTIFIERS (the order only decides which alternative is reported; the text is copied).
constexpr std::u32string_view kQuantifiers =
    U"(处|台|架|枚|趟|幅|平|方|堵|间|床|株|批|项|例|列|篇|栋|注|亩|封|艘|把|目|套|段|人|所|朵|匹|张|座|回|场|尾|条|个|首|"
    U"阙|阵|网|炮|顶|丘|棵|只|支|袭|辆|挑|担|颗|壳|窠|曲|墙|群|腔|砣|座|客|贯|扎|捆|刀|令|打|手|罗|坡|山|岭|江|溪|钟|队|"
    U"单|双|对|出|口|头|脚|板|跳|枝|件|贴|针|线|管|名|位|身|堂|课|本|页|家|户|层|丝|毫|厘|分|钱|两|斤|担|铢|石|钧|锱|忽|"
    U"(千|毫|微)克|毫|厘|(公)分|分|寸|尺|丈|里|寻|常|铺|程|(千|分|厘|毫|微)米|米|撮|勺|合|升|斗|石|盘|碗|碟|叠|桶|笼|盆|"
    U"盒|杯|钟|斛|锅|簋|篮|盘|桶|罐|瓶|壶|卮|盏|箩|箱|煲|啖|袋|钵|年|月|日|季|刻|时|周|天|秒|分|小时|旬|纪|岁|世|更|夜|春|"
    U"夏|秋|冬|代|伏|辈|丸|泡|粒|颗|幢|堆|条|根|支|道|面|片|张|颗|块|元|(亿|千万|百万|万|千|百)|(亿|千万|百万|万|千|百|美|)"
    U"元|(亿|千万|百万|万|千|百|十|)吨|(亿|千万|百万|万|千|百|)块|角|毛|分)";

// The unit alternation of RE_TO_RANGE and quantifier.measure_dict's keys.
constexpr std::u32string_view kRangeUnits = U"(%|°C|℃|度|摄氏度|cm2|cm²|cm3|cm³|cm|db|ds|kg|km|m2|m²|m³|m3|ml|m|mm|s)";
constexpr std::u32string_view kSuper = U"[⁰¹²³⁴⁵⁶⁷⁸⁹ˣʸⁿ]";

u32 cat(std::initializer_list<std::u32string_view> parts) {
  u32 s;
  for (auto p : parts) s += p;
  return s;
}

struct Rules {
  Regex date{U"(\\d{4}|\\d{2})年((0?[1-9]|1[0-2])月)?(((0?[1-9])|((1|2)[0-9])|30|31)([日号]))?"};
  Regex date2{U"(\\d{4})([- /.])(0[1-9]|1[012])\\2(0[1-9]|[12][0-9]|3[01])"};
  Regex time_range{
      U"([0-1]?[0-9]|2[0-3]):([0-5][0-9])(:([0-5][0-9]))?(~|-)([0-1]?[0-9]|2[0-3]):([0-5][0-9])(:([0-5][0-9]))?"};
  Regex time{U"([0-1]?[0-9]|2[0-3]):([0-5][0-9])(:([0-5][0-9]))?"};
  Regex to_range{cat({U"((-?)((\\d+)(\\.\\d+)?)|(\\.(\\d+)))", kRangeUnits, U"[~]((-?)((\\d+)(\\.\\d+)?)|(\\.(\\d+)))",
                      kRangeUnits})};
  Regex temperature{U"(-?)(\\d+(\\.\\d+)?)(°C|℃|度|摄氏度)"};
  Regex asmd{cat({U"((-?)((\\d+)(\\.\\d+)?", kSuper, U"*)|(\\.\\d+", kSuper, U"*)|([A-Za-z]", kSuper,
                  U"*))([\\+\\-\\×÷=])((-?)((\\d+)(\\.\\d+)?", kSuper, U"*)|(\\.\\d+", kSuper, U"*)|([A-Za-z]",
                  kSuper, U"*))"})};
  Regex power{cat({kSuper, U"+"})};
  Regex frac{U"(-?)(\\d+)/(\\d+)"};
  Regex percentage{U"(-?)(\\d+(\\.\\d+)?)%"};
  Regex mobile{U"(?<!\\d)((\\+?86 ?)?1([38]\\d|5[0-35-9]|7[678]|9[89])\\d{8})(?!\\d)"};
  Regex telephone{U"(?<!\\d)((0(10|2[1-3]|[3-9]\\d{2})-?)?[1-9]\\d{6,7})(?!\\d)"};
  Regex national_uniform{U"(400)(-)?\\d{3}(-)?\\d{4}"};
  Regex range{U"(?<![\\d\\+\\-\\×÷=])((-?)((\\d+)(\\.\\d+)?))[-~]((-?)((\\d+)(\\.\\d+)?))(?![\\d\\+\\-\\×÷=])"};
  Regex integer{U"(-)(\\d+)"};
  Regex version{U"((\\d+)(\\.\\d+)(\\.\\d+)?(\\.\\d+)+)"};
  Regex decimal{U"(-?)((\\d+)(\\.\\d+))|(\\.(\\d+))"};
  Regex positive_quantifier{cat({U"(\\d+)([多余几\\+])?", kQuantifiers})};
  Regex default_num{U"\\d{3}\\d*"};
  Regex number{U"(-?)((\\d+)(\\.\\d+)?)|(\\.(\\d+))"};
};

const Rules& rules() {
  static const Rules r;
  return r;
}

u32 replace_number(const Regex::Match& m) {
  if (!m.group(5).empty()) return num2str(m.group(5));  // a pure decimal ".5"
  u32 out = m.group(1).empty() ? u32() : u32(U"负");
  return out + num2str(m.group(2));
}

u32 replace_date(const Regex::Match& m) {
  u32 out;
  if (!m.group(1).empty()) out += verbalize_digit(m.group(1)) + U"年";
  if (!m.group(3).empty()) out += verbalize_cardinal(m.group(3)) + U"月";
  if (!m.group(5).empty()) out += verbalize_cardinal(m.group(5)) + u32(m.group(9));
  return out;
}

u32 replace_date2(const Regex::Match& m) {
  return verbalize_digit(m.group(1)) + U"年" + verbalize_cardinal(m.group(3)) + U"月" + verbalize_cardinal(m.group(4)) +
         U"日";
}

u32 time_num2str(std::u32string_view num) {
  u32 out = num2str(lstrip_zeros(num));
  if (!num.empty() && num[0] == U'0') out = U"零" + out;
  return out;
}

int to_int(std::u32string_view s) {
  int v = 0;
  for (char32_t c : s) v = v * 10 + int(c - U'0');
  return v;
}

u32 replace_time(const Regex::Match& m, bool is_range) {
  std::u32string_view hour = m.group(1), minute = m.group(2), second = m.group(4);
  u32 out = num2str(hour) + U"点";
  if (!lstrip_zeros(minute).empty()) out += to_int(minute) == 30 ? u32(U"半") : time_num2str(minute) + U"分";
  if (!lstrip_zeros(second).empty()) out += time_num2str(second) + U"秒";
  if (is_range) {
    std::u32string_view hour2 = m.group(6), minute2 = m.group(7), second2 = m.group(9);
    out += U"至";
    out += num2str(hour2) + U"点";
    // Quirk kept: the second time's 半 test looks at the FIRST minute.
    if (!lstrip_zeros(minute2).empty()) out += to_int(minute) == 30 ? u32(U"半") : time_num2str(minute2) + U"分";
    if (!lstrip_zeros(second2).empty()) out += time_num2str(second2) + U"秒";
  }
  return out;
}

u32 replace_asmd(const Regex::Match& m) {
  u32 op;
  switch (m.group(8)[0]) {
    case U'+': op = U"加"; break;
    case U'-': op = U"减"; break;
    case U'×': op = U"乘"; break;
    case U'÷': op = U"除"; break;
    default: op = U"等于"; break;  // "="
  }
  return u32(m.group(1)) + op + u32(m.group(9));
}

u32 replace_power(const Regex::Match& m) {
  static constexpr std::u32string_view kFrom = U"⁰¹²³⁴⁵⁶⁷⁸⁹ˣʸⁿ", kTo = U"0123456789xyn";
  u32 out = U"的";
  for (char32_t c : m.group(0)) out.push_back(kTo[kFrom.find(c)]);
  return out + U"次方";
}

u32 replace_temperature(const Regex::Match& m) {
  u32 out = m.group(1).empty() ? u32() : u32(U"零下");
  out += num2str(m.group(2));
  // Quirk kept: upstream tests group(3) (the decimal part) against "摄氏度", so the unit is always 度.
  out += m.group(3) == U"摄氏度" ? U"摄氏度" : U"度";
  return out;
}

// phonecode.phone2str: digit groups read one by one (一 as 幺), joined with "，".
u32 phone2str(std::u32string_view phone, bool mobile) {
  std::vector<u32> parts;
  if (mobile) {
    size_t b = 0, e = phone.size();
    while (b < e && phone[b] == U'+') ++b;
    while (e > b && phone[e - 1] == U'+') --e;
    std::u32string_view s = phone.substr(b, e - b);
    size_t i = 0;
    while (i < s.size()) {  // str.split(): whitespace runs, no empty parts
      while (i < s.size() && zh::py_isspace(s[i])) ++i;
      size_t j = i;
      while (j < s.size() && !zh::py_isspace(s[j])) ++j;
      if (j > i) parts.emplace_back(s.substr(i, j - i));
      i = j;
    }
  } else {
    size_t b = 0;
    while (true) {  // str.split("-")
      size_t e = phone.find(U'-', b);
      parts.emplace_back(phone.substr(b, e == std::u32string_view::npos ? std::u32string_view::npos : e - b));
      if (e == std::u32string_view::npos) break;
      b = e + 1;
    }
  }
  u32 out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += U'，';
    out += verbalize_digit(parts[i], true);
  }
  return out;
}

u32 replace_range(const Regex::Match& m) {
  const Rules& r = rules();
  return r.number.sub(m.group(1), replace_number) + U"到" + r.number.sub(m.group(6), replace_number);
}

u32 replace_version(const Regex::Match& m) {
  u32 out;
  for (char32_t c : m.group(1)) out += c == U'.' ? u32(U"点") : num2str(std::u32string_view(&c, 1));
  return out;
}

u32 replace_positive_quantifier(const Regex::Match& m) {
  u32 number = num2str(m.group(1));
  if (number == U"二") number = U"两";
  u32 extra(m.group(2));
  if (extra == U"+") extra = U"多";
  return number + extra + u32(m.group(3));
}

void replace_all(u32& s, std::u32string_view from, std::u32string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != u32::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

template <typename Pred>
void erase_if(u32& s, Pred pred) {
  s.erase(std::remove_if(s.begin(), s.end(), pred), s.end());
}

// quantifier.replace_measure: plain substring replacement in dict order (so "mm" -> 米米).
void replace_measure(u32& s) {
  static constexpr std::pair<std::u32string_view, std::u32string_view> kMeasures[] = {
      {U"cm2", U"平方厘米"}, {U"cm²", U"平方厘米"}, {U"cm3", U"立方厘米"}, {U"cm³", U"立方厘米"}, {U"cm", U"厘米"},
      {U"db", U"分贝"},      {U"ds", U"毫秒"},      {U"kg", U"千克"},      {U"km", U"千米"},      {U"m2", U"平方米"},
      {U"m²", U"平方米"},    {U"m³", U"立方米"},    {U"m3", U"立方米"},    {U"ml", U"毫升"},      {U"m", U"米"},
      {U"mm", U"毫米"},      {U"s", U"秒"}};
  for (const auto& [from, to] : kMeasures) replace_all(s, from, to);
}

// TextNormalizer._post_replace
void post_replace(u32& s) {
  static constexpr std::pair<std::u32string_view, std::u32string_view> kReplace[] = {
      {U"/", U"每"},        {U"①", U"一"},       {U"②", U"二"},       {U"③", U"三"},     {U"④", U"四"},
      {U"⑤", U"五"},        {U"⑥", U"六"},       {U"⑦", U"七"},       {U"⑧", U"八"},     {U"⑨", U"九"},
      {U"⑩", U"十"},        {U"α", U"阿尔法"},   {U"β", U"贝塔"},     {U"γ", U"伽玛"},   {U"Γ", U"伽玛"},
      {U"δ", U"德尔塔"},    {U"Δ", U"德尔塔"},   {U"ε", U"艾普西龙"}, {U"ζ", U"捷塔"},   {U"η", U"依塔"},
      {U"θ", U"西塔"},      {U"Θ", U"西塔"},     {U"ι", U"艾欧塔"},   {U"κ", U"喀帕"},   {U"λ", U"拉姆达"},
      {U"Λ", U"拉姆达"},    {U"μ", U"缪"},       {U"ν", U"拗"},       {U"ξ", U"克西"},   {U"Ξ", U"克西"},
      {U"ο", U"欧米克伦"},  {U"π", U"派"},       {U"Π", U"派"},       {U"ρ", U"肉"},     {U"ς", U"西格玛"},
      {U"Σ", U"西格玛"},    {U"σ", U"西格玛"},   {U"τ", U"套"},       {U"υ", U"宇普西龙"}, {U"φ", U"服艾"},
      {U"Φ", U"服艾"},      {U"χ", U"器"},       {U"ψ", U"普赛"},     {U"Ψ", U"普赛"},   {U"ω", U"欧米伽"},
      {U"Ω", U"欧米伽"},    {U"+", U"加"},       {U"-", U"减"},       {U"×", U"乘"},     {U"÷", U"除"},
      {U"=", U"等"}};
  for (const auto& [from, to] : kReplace) replace_all(s, from, to);
  // One more character than _split's filter: "-" (and "=").
  static constexpr std::u32string_view kDrop = U"-—《》【】<=>{}()（）#&@“”^_|\\";
  erase_if(s, [](char32_t c) { return kDrop.find(c) != std::u32string_view::npos; });
}

u32 normalize_sentence(u32 s) {
  const Rules& r = rules();
  const zh::ZhData& d = zh::zh_data();
  for (char32_t& c : s) {
    auto it = d.t2s.find(c);
    if (it != d.t2s.end()) c = it->second;
    // F2H_ASCII_LETTERS / F2H_DIGITS. (F2H_SPACE is keyed by a str, so str.translate never applies
    // it: U+3000 stays.)
    if ((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A) || (c >= 0xFF10 && c <= 0xFF19)) c -= 65248;
  }
  s = r.date.sub(s, replace_date);
  s = r.date2.sub(s, replace_date2);
  s = r.time_range.sub(s, [](const Regex::Match& m) { return replace_time(m, true); });
  s = r.time.sub(s, [](const Regex::Match& m) { return replace_time(m, false); });
  s = r.to_range.sub(s, [](const Regex::Match& m) {
    u32 t(m.group(0));
    std::replace(t.begin(), t.end(), U'~', U'至');
    return t;
  });
  s = r.temperature.sub(s, replace_temperature);
  replace_measure(s);
  while (true) {  // while RE_ASMD.search(s): s = RE_ASMD.sub(...): each pass removes operators
    u32 next = r.asmd.sub(s, replace_asmd);
    if (next == s) break;
    s = std::move(next);
  }
  s = r.power.sub(s, replace_power);
  s = r.frac.sub(s, [](const Regex::Match& m) {
    return (m.group(1).empty() ? u32() : u32(U"负")) + num2str(m.group(3)) + U"分之" + num2str(m.group(2));
  });
  s = r.percentage.sub(s, [](const Regex::Match& m) {
    return (m.group(1).empty() ? u32() : u32(U"负")) + U"百分之" + num2str(m.group(2));
  });
  s = r.mobile.sub(s, [](const Regex::Match& m) { return phone2str(m.group(0), true); });
  s = r.telephone.sub(s, [](const Regex::Match& m) { return phone2str(m.group(0), false); });
  s = r.national_uniform.sub(s, [](const Regex::Match& m) { return phone2str(m.group(0), false); });
  s = r.range.sub(s, replace_range);
  s = r.integer.sub(s, [](const Regex::Match& m) { return U"负" + num2str(m.group(2)); });
  s = r.version.sub(s, replace_version);
  s = r.decimal.sub(s, replace_number);
  s = r.positive_quantifier.sub(s, replace_positive_quantifier);
  s = r.default_num.sub(s, [](const Regex::Match& m) { return verbalize_digit(m.group(0), true); });
  s = r.number.sub(s, replace_number);
  post_replace(s);
  return s;
}

// TextNormalizer._split (lang "zh").
std::vector<u32> split_sentences(u32 text) {
  erase_if(text, [](char32_t c) { return c == U' '; });
  static constexpr std::u32string_view kDrop = U"—《》【】<>{}()（）#&@“”^_|\\";
  erase_if(text, [](char32_t c) { return kDrop.find(c) != std::u32string_view::npos; });
  // SENTENCE_SPLITOR ([：、，；。？！,;?!][”’]?) -> "\1\n"
  static constexpr std::u32string_view kSplitters = U"：、，；。？！,;?!";
  u32 marked;
  for (size_t i = 0; i < text.size(); ++i) {
    marked.push_back(text[i]);
    if (kSplitters.find(text[i]) == std::u32string_view::npos) continue;
    if (i + 1 < text.size() && (text[i + 1] == U'”' || text[i + 1] == U'’')) marked.push_back(text[++i]);
    marked.push_back(U'\n');
  }
  std::u32string_view body = zh::py_strip(marked);
  std::vector<u32> sentences;
  size_t b = 0;
  while (true) {  // re.split(r"\n+", text), each piece stripped
    size_t e = body.find(U'\n', b);
    sentences.emplace_back(zh::py_strip(body.substr(b, e == std::u32string_view::npos ? std::u32string_view::npos : e - b)));
    if (e == std::u32string_view::npos) break;
    while (e < body.size() && body[e] == U'\n') ++e;
    b = e;
  }
  return sentences;
}

// chinese2.replace_punctuation
u32 replace_punctuation(std::u32string_view text) {
  u32 out;
  for (size_t i = 0; i < text.size(); ++i) {
    char32_t c = text[i];
    if (c == U'嗯') c = U'恩';
    else if (c == U'呣') c = U'母';
    char32_t mapped = c;
    switch (c) {
      case U'：': case U'；': case U'，': case U'·': case U'、': case U'/': mapped = U','; break;
      case U'。': case U'\n': case U'$': mapped = U'.'; break;
      case U'！': mapped = U'!'; break;
      case U'？': mapped = U'?'; break;
      case U'—': mapped = U'-'; break;
      case U'~': case U'～': mapped = U'…'; break;
      case U'.':
        if (text.substr(i, 3) == U"...") {
          mapped = U'…';
          i += 2;
        }
        break;
      default: break;
    }
    // Then everything outside U+4E00..U+9FA5 and !?…,.- is deleted.
    if (zh::is_cjk_basic(mapped) || zh::is_zh_punct(mapped)) out.push_back(mapped);
  }
  return out;
}

}  // namespace

std::string zh_normalize(const std::string& text) {
  u32 dest;
  for (u32& sentence : split_sentences(zh::utf8_to_u32(text))) dest += replace_punctuation(normalize_sentence(std::move(sentence)));
  // replace_consecutive_punctuation: a run of punctuation keeps its first mark.
  u32 out;
  for (size_t i = 0; i < dest.size(); ++i)
    if (!(i > 0 && zh::is_zh_punct(dest[i]) && zh::is_zh_punct(dest[i - 1]))) out.push_back(dest[i]);
  return zh::u32_to_utf8(out);
}

}  // namespace gsv::text
