"""Golden fixtures for the Chinese frontend (src/text/zh*.cpp).

Runs upstream's own chinese2.text_normalize and chinese2.g2p with is_g2pw = False (the pypinyin
path) over a corpus written for this project (hand-written sentences plus programmatically
generated numbers, dates, times, money, phone numbers, units, ...), and upstream's building blocks
(jieba_fast posseg / cut_for_search, pypinyin, ToneSandhi) over samples of it.

Writes tests/fixtures/frontend/:
  zh_corpus.jsonl      {"text", "norm", "phones" (space-joined), "word2ph" (digits)} or {"text", "error"}
  zh_components.json   jieba / pypinyin / tone-sandhi cases

Needs jieba_fast in the oracle venv (`pip install jieba_fast==0.53`): upstream imports it. The g2pW
ONNX wrapper (g2pw/onnx_api.py) is replaced by FakePolyphoneModel before chinese2 is imported, so
neither onnxruntime nor the G2PWModel download is needed; the corpus runs with is_g2pw = False.

  zh_g2pw_hook.jsonl   the g2pW branch (is_g2pw = True) with FakePolyphoneModel, over a sample
"""
import atexit
import contextlib
import importlib.util
import io
import json
import random
import shutil
import sys
import tempfile
import types
from pathlib import Path

from common import parse_args

# ---- the corpus ----------------------------------------------------------------------------------

EVERYDAY = """
你好，世界。
今天天气很好，我们一起去公园散步吧。
他每天早上七点起床，然后跑步半个小时。
这本书我已经看了三遍，还是觉得很有意思。
请把窗户关上，外面风太大了。
我们明天下午在图书馆门口见面，好不好？
妈妈做的红烧肉特别好吃。
小明的成绩一直名列前茅，老师经常表扬他。
这家餐厅的服务态度不太好，但是菜的味道不错。
周末我打算和朋友一起去看电影。
火车站离这里不远，走路大概十分钟就到了。
他说话的声音太小了，我一句也没听清楚。
春天来了，花园里开满了各种各样的花。
我想学习弹钢琴，可是一直没有时间。
你知道最近的地铁站在哪里吗？
这个问题比我想象的要复杂得多。
她笑着对我说：“别担心，一切都会好起来的。”
我们公司明年准备在上海开一家新的分店。
孩子们在操场上高高兴兴地玩耍。
他把钥匙忘在办公室里了，只好回去拿。
这次考试的题目太难了，很多同学都没有做完。
晚饭以后，爷爷喜欢在院子里下象棋。
我的手机没电了，能借你的充电器用一下吗？
那座山很高，爬到山顶要三个多小时。
经过大家的努力，项目终于按时完成了。
请大家保持安静，会议马上就要开始了。
我从来没有见过这么美丽的风景。
她一边听音乐，一边写作业。
如果明天下雨，运动会就推迟到下周举行。
这件衣服的颜色我很喜欢，就是有点贵。
我们应该节约用水，保护环境。
他对中国的历史文化非常感兴趣。
医生建议他多喝水，早点休息。
这条路晚上没有路灯，走的时候要小心。
老师让我们每人写一篇关于家乡的作文。
我昨天在超市买了一些水果和蔬菜。
他们俩从小一起长大，感情特别好。
这个城市的交通越来越方便了。
你能帮我看看这个句子有没有语法错误吗？
会议的时间改到了星期四上午。
新闻报道说，今年的粮食产量又创新高。
据统计，参加这次活动的志愿者超过了两千人。
专家指出，人工智能将深刻改变人们的生活方式。
市政府宣布将在城东新建一座大型体育馆。
记者从教育部获悉，新学期的课程安排已经确定。
这项技术的研发历时五年，投入了大量的人力物力。
气象台发布暴雨预警，提醒市民注意出行安全。
国际货币基金组织上调了对全球经济增长的预期。
该公司第三季度的营业收入同比增长了百分之十二。
研究人员在深海发现了一种新的发光生物。
他在比赛中发挥出色，获得了冠军。
这部电影讲述了一个普通家庭的感人故事。
博物馆每周一闭馆，其他时间免费对外开放。
为了提高效率，工厂引进了一批新的设备。
村里的道路修好以后，农产品运输方便多了。
这所大学有一百多年的历史，培养了很多优秀人才。
我觉得你的想法很好，不过还需要再考虑一下细节。
他一个人住在山里，过着简单而安静的生活。
学生们正在认真地听老师讲课。
由于航班延误，我们在机场等了整整一个晚上。
这只小猫很可爱，大家都喜欢它。
弟弟把积木搭成了一座高高的城堡。
他终于鼓起勇气向她表白了。
只要坚持下去，就一定能成功。
我们不仅要学习知识，还要学会做人。
无论遇到什么困难，他都不会放弃。
虽然外面很冷，但是屋子里很暖和。
这里的空气很新鲜，适合老人居住。
邻居家的狗每天晚上都叫个不停。
这个苹果又大又甜。
我一直以为他是北京人，原来他是广东人。
你先走吧，我马上就来。
时间过得真快，转眼又到了年底。
他的中文说得比我还流利。
这道菜应该先放油，再放盐。
我们班一共有四十二个学生。
上课的时候不要随便说话。
明天的会议由王经理主持。
请你把这份文件复印五份。
桌子上放着一杯热茶和一本杂志。
他从口袋里拿出一张旧照片。
大家都在为晚会做准备。
我的梦想是成为一名医生。
你们想吃点什么？我请客。
这家商店的东西又便宜又好。
他看起来有点累，可能昨晚没睡好。
窗外传来了一阵阵鸟叫声。
这次旅行让我学到了很多东西。
爸爸每天开车上下班。
奶奶年纪大了，耳朵不太好使。
我们要珍惜和家人在一起的时间。
这个周末你有空吗？
他刚才还在这儿，怎么一下子就不见了？
那个穿红衣服的女孩是我的妹妹。
公园里有很多人在打太极拳。
这杯咖啡太苦了，我要加点糖。
你的汉语进步得真快啊！
我们坐公共汽车去还是打车去？
他总是第一个到办公室。
考试结束以后，大家都松了一口气。
""".strip().split("\n")

POLYPHONES = """
银行的行长正在行走。
他长得很高，是家里的长子。
这件事很重要，我们要重新考虑。
我还没还你的书呢。
你得好好学习，才能得到好成绩。
他高兴地在地上跳来跳去。
这是我的书，我的目的很明确。
了解了情况以后，他终于明白了。
他穿着大衣，着急地往外走，结果着凉了。
我们都去了首都北京。
为了大家，他为人民服务。
音乐让人快乐。
他好学，也很好客。
看守大门的人看了我一眼。
他的头发长得很快，发财的机会也来了。
教书的老师教我们唱歌。
传记里记载了这个传说。
种子种在地里，长出了各种植物。
我数了数，一共有五个数字。
调查结果表明，这首曲子的调子很好听。
他背着书包，背诵课文。
这个角色在墙角哭泣。
我睡了一觉，觉得好多了。
这次的成绩有点差，他出差去了。
几个人几乎同时到达。
参加人参展览会的人很多。
我和他一起唱歌，和面做饺子。
他曾经去过曾家。
这里交通很便利，东西也便宜。
他朝着朝阳的方向走去。
西藏的宝藏被藏起来了。
薄薄的一层纸很薄。
会计正在开会。
这个地方很大方。
处理好这些事情再去办事处。
他在兴奋地谈论自己的兴趣。
这道题太难了，他遇到了困难。
我们要尽快把事情尽量做好。
中间的那个人中了奖。
大夫给大家看病。
""".strip().split("\n")

SANDHI = """
一个人
一天一夜
一样的东西
看一看
试一试
第一名
一一道来
十一月一日
一百零一
一年级
一起走
统一
一般来说
不怕困难
不要说话
看不懂
好不好
不是我
不对
不去
来不来
我很好
你也有
展览馆
纸老虎
我也想买五把雨伞
小老鼠跑了
总统府
手表厂
洗脸水
我想你
老板很忙
看看
试试
妈妈和奶奶
想想办法
人人都知道
哈哈大笑
高高兴兴
家家户户
清清楚楚
桌子上
我们的朋友
他的书
走了
看着我
去过北京
上来吧
下去吧
东西很多
麻烦你了
骨头汤
石头
馒头
姑娘
时候
明白了吗
好吧
是啊
对呢
那个
这个
三个苹果
两个人
几个人
每个星期
做个好人
""".strip().split("\n")

ERHUA = """
小孩儿在玩儿。
请给我一点儿水。
你去哪儿了？
这儿的花儿真漂亮。
那儿有个小院儿。
他在胡同儿里住了很多年。
这孩子真有范儿。
女儿和儿子都很孝顺。
婴儿在睡觉。
他是个孤儿。
一会儿就好。
小猫儿和小狗儿。
我们明儿见。
今儿天气不错。
他老伴儿身体很好。
媳妇儿做的菜好吃。
这事儿不好办。
一块儿去吧。
聊天儿聊到半夜。
他有点儿累。
""".strip().split("\n")

TRADITIONAL = """
我們的國家正在發展經濟。
這個問題很難回答。
他們說話的聲音太大了。
電腦和電話都壞了。
請問圖書館在哪裡？
學習漢語需要很長時間。
歡迎來到臺灣。
這裡的風景非常美麗。
為什麼你們還沒有開始？
醫院的醫生很負責。
飛機場離市區很遠。
鐵路運輸發揮了重要作用。
現代科學技術日新月異。
請在櫃檯辦理登記手續。
他買了一輛新車。
東西南北中，發財的機會多。
會議將於下週舉行。
隨著時代的變遷，語言也在變化。
這種說法並不準確。
記者報導了這條新聞。
""".strip().split("\n")

PUNCT = """
啊——但是《原神》是由,米哈\\游自主，研发的一款全.新开放世界.冒险游戏
呣呣呣～就是…大人的鼹鼠党吧？
什么？！你说什么？！
真的吗？？？不会吧！！！
好……好吧……
嗯，嗯，我知道了。
等等——让我想想。
“你好”，他说。
【通知】明天放假！
（注意）请勿吸烟。
《红楼梦》是一部伟大的小说。
他说：“我不去。”她说：“那我也不去。”
哈哈哈哈哈哈！
……
！！！
，。、；：？！
你好!!!世界???
这个~那个~
a，b，c，都是字母。
第一、第二、第三。
嘿！喂？哎……
我#爱&北@京^天_安|门
{大括号}<尖括号>[方括号]
‘单引号’和’奇怪的引号’
路漫漫其修远兮，吾将上下而求索。
床前明月光，疑是地上霜。举头望明月，低头思故乡。
""".strip().split("\n")

EMOJI_LATIN = """
今天好开心😀😀！
我爱你❤️，宝贝。
下雨了☔，记得带伞。
🎉🎉恭喜发财🎉🎉
这个app很好用。
我用iPhone拍的照片。
他在Google工作。
请发email给我。
OK，没问题。
我们用Python写代码。
这是一个AI模型。
VIP会员可以免费观看。
今天的KPI完成了吗？
他买了一台MacBook Pro。
我喜欢NBA和CBA。
欢迎来到GPT-SoVITS的世界。
这个bug修好了吗？
我在B站看视频。
Hello，你好。
请输入你的ID和密码。
X光片显示一切正常。
他是一名DJ。
维生素C对身体有好处。
我的电脑是Windows系统。
这首歌叫Let it go。
""".strip().split("\n")

OTHER_SCRIPTS = """
こんにちは，你好。
안녕하세요，我是韩国人。
Привет，我来自俄罗斯。
他说了一句ありがとう就走了。
αβγ是希腊字母。
π约等于3.14。
Δ表示变化量。
温度变化ΔT很小。
μ是一个希腊字母。
ⅠⅡⅢ是罗马数字。
①②③是序号。
第⑩条规定。
ＡＢＣ和ａｂｃ是全角字母。
１２３４５是全角数字。
全角空格　在这里。
""".strip().split("\n")

# Numbers, dates, times, money, percentages, phones, units: templates filled with seeded values.
NUMBER_TEMPLATES = [
    "会议定于{y}年{m}月{d}日召开。",
    "他出生于{y}年{m}月。",
    "今天是{y}-{mm}-{dd}。",
    "截止日期是{y}/{mm}/{dd}。",
    "活动时间为{y}.{mm}.{dd}。",
    "火车{h}:{mi}发车。",
    "比赛时间是{h}:{mi}:{s}。",
    "营业时间{h}:{mi}-{h2}:{mi2}。",
    "上课时间{h}:30~{h2}:{mi2}。",
    "这件衣服{n}元。",
    "他的工资是每月{big}元。",
    "房价涨了{p}%。",
    "失业率下降到{f}%。",
    "增长率为-{f}%。",
    "请拨打{mobile}联系我们。",
    "我的手机号码是{mobile}。",
    "办公电话：{tel}。",
    "客服热线：400-{t3}-{t4}。",
    "他跑了{n}km。",
    "这个箱子重{n}kg。",
    "桌子长{n}cm，宽{n2}cm。",
    "今天气温{t}°C到{t2}°C。",
    "室外温度-{t}℃。",
    "体温是{f}度。",
    "水温{t}摄氏度。",
    "一共有{n}个人参加。",
    "他买了{n}本书。",
    "大约{n}多年前。",
    "这里有{n}+个选项。",
    "已经过去{n}余年了。",
    "{a}+{b}={c}",
    "{a}-{b}={c2}",
    "{a}×{b}={c3}",
    "{a}÷{b}等于多少？",
    "x²+y²=z²",
    "2的3次方是8，10³等于1000。",
    "分数{a}/{b}约等于{f}。",
    "大约{a}-{b}个小时。",
    "范围是{a}~{b}。",
    "编号{code}的文件。",
    "第{n}页第{n2}行。",
    "版本号是{v1}.{v2}.{v3}。",
    "这个数是{f}。",
    "圆周率约为3.1415926。",
    "{big}这个数字很大。",
    "他考了{n}分。",
    "房间号是{code}。",
    "验证码是{code6}。",
    "银行卡号{card}。",
    "账户余额{money}元。",
    "距离是{f}公里。",
    "这瓶水{n}ml。",
    "面积为{n}m²。",
    "体积是{n}m³。",
    "速度达到每小时{n}公里。",
    "{n}个苹果和{n2}个梨。",
    "共计{big}人次。",
    "公元前{n}年。",
    "{y}年是个好年份。",
    "零下{t}度。",
    "负数-{n}比零小。",
    "{n2}:{mi}的时候他来了。",
    "大约.{n}的比例。",
    "比分是{n}比{n2}。",
    "第{n}届运动会。",
    "{n}月{d}号是我的生日。",
    "这张票{n}.{mi}元。",
    "折扣{p}%OFF。",
    "音量{n}db。",
    "等了{n}s。",
    "买了{n}斤苹果。",
    "一共{n}吨货物。",
    "价值{n}亿元。",
    "人口达到{n}万。",
    "这座楼高{n}米。",
    "{n}.{n2}.{n}.{n2}是一个IP地址。",
]

LONG_NUMBERS = [
    "123456789012345678901234567890",
    "这个数字是98765432109876543210。",
    "圆周率的前五十位是3.14159265358979323846264338327950288419716939937510。",
    "他的账号是6222021234567890123。",
    "1000000000000元",
    "编号000123。",
    "0.000001的概率。",
    "100000000000000000000个原子。",
    "-999999999.999999",
    "12345678901234567890.12345",
]


def generated(rng):
    out = []
    for i in range(4):
        for t in NUMBER_TEMPLATES:
            y = rng.choice([rng.randint(1900, 2099), rng.randint(10, 99)])
            h = rng.randint(0, 23)
            vals = dict(
                y=y, m=rng.randint(1, 12), d=rng.randint(1, 31), mm=f"{rng.randint(1, 12):02d}",
                dd=f"{rng.randint(1, 28):02d}", h=h, h2=min(23, h + rng.randint(1, 5)), mi=f"{rng.randint(0, 59):02d}",
                mi2=rng.choice(["00", "30", "15", "45", "05"]), s=f"{rng.randint(0, 59):02d}",
                n=rng.choice([rng.randint(1, 9), rng.randint(10, 99), rng.randint(100, 9999)]),
                n2=rng.randint(1, 99), big=rng.randint(10000, 999999999), p=rng.randint(1, 100),
                f=f"{rng.randint(0, 99)}.{rng.randint(0, 99):d}", t=rng.randint(1, 40), t2=rng.randint(20, 45),
                mobile=rng.choice(["13", "15", "17", "18", "19"]) + str(rng.choice([8, 9, 6, 1, 2, 5])) +
                "".join(str(rng.randint(0, 9)) for _ in range(8)),
                tel=rng.choice(["010-", "021-", "0755-", "0571", ""]) + str(rng.randint(2, 9)) +
                "".join(str(rng.randint(0, 9)) for _ in range(rng.choice([6, 7]))),
                t3=f"{rng.randint(0, 999):03d}", t4=f"{rng.randint(0, 9999):04d}",
                a=rng.randint(1, 99), b=rng.randint(1, 99), c=rng.randint(2, 198), c2=rng.randint(-98, 98),
                c3=rng.randint(1, 9801), code=f"{rng.randint(0, 9999):04d}", code6=f"{rng.randint(0, 999999):06d}",
                card="".join(str(rng.randint(0, 9)) for _ in range(16)), money=f"{rng.randint(0, 99999)}.{rng.randint(0, 99):02d}",
                v1=rng.randint(0, 9), v2=rng.randint(0, 20), v3=rng.randint(0, 99),
            )
            if i > 0 and t in ("x²+y²=z²", "2的3次方是8，10³等于1000。"):
                continue
            out.append(t.format(**vals))
    return out


SUBJECTS = ["我", "你", "他", "她", "我们", "老师", "学生们", "小王", "这个孩子", "我的朋友", "经理", "奶奶"]
VERBS = ["喜欢", "不想", "一直在", "已经", "还没有", "打算", "觉得", "好像", "想要", "能够"]
OBJECTS = ["看电影", "吃饺子", "学中文", "去上海", "买东西", "写作业", "打篮球", "听音乐", "休息一下", "回家",
           "洗衣服", "找工作", "喝咖啡", "养一只小狗", "种花草", "看一看", "想一想", "走一走"]
TAILS = ["。", "吗？", "吧！", "呢。", "了。", "，真的。", "……", "啊！"]


def combinations(rng, n):
    out = set()
    while len(out) < n:
        out.add(rng.choice(SUBJECTS) + rng.choice(VERBS) + rng.choice(OBJECTS) + rng.choice(TAILS))
    return sorted(out)


def stress_cases():
    cases = ["", " ", "，。！？", "...", "———", "\t\n", "a", "abc def", "123", "你", "一", "不", "儿",
             "嗯嗯嗯", "呣", "哼！", "兙", "瓩是千瓦", "𠀀字", "\u3000", "😀", "ㄅㄆㄇ", "~~~", "你好" * 40,
             "一二三四五六七八九十" * 5, "十一二十三", "一九九八年", "二〇二四年"]
    return cases


def build_corpus():
    rng = random.Random(20240501)
    corpus = []
    for group in (EVERYDAY, POLYPHONES, SANDHI, ERHUA, TRADITIONAL, PUNCT, EMOJI_LATIN, OTHER_SCRIPTS):
        corpus += group
    corpus += generated(rng)
    corpus += LONG_NUMBERS
    corpus += combinations(rng, 120)
    corpus += stress_cases()
    seen, out = set(), []
    for t in corpus:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


# ---- running upstream ----------------------------------------------------------------------------


class FakePolyphoneModel:
    """Stands in for G2PWOnnxConverter (g2pw/onnx_api.py, which needs onnxruntime and the model):
    one pypinyin TONE3 reading per character. The C++ test plugs the same rule into the polyphone
    hook, so the g2pW branch of chinese2._g2p (correct_pronunciation, to_initials,
    to_finals_tone3) is compared without the model."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, sentences):
        from pypinyin import Style, lazy_pinyin
        return [[lazy_pinyin(c, style=Style.TONE3, neutral_tone_with_five=True)[0] for c in s] for s in sentences]


def import_chinese2(upstream: Path):
    onnx_api = types.ModuleType("text.g2pw.onnx_api")
    onnx_api.G2PWOnnxConverter = FakePolyphoneModel
    sys.modules["text.g2pw.onnx_api"] = onnx_api
    # g2pw.get_dict() rewrites polyphonic.pickle/.md5 next to itself when the committed md5 is stale
    # (it is at 48b1a01), so the package is imported from a throw-away copy: upstream stays untouched.
    tmp_root = tempfile.mkdtemp(prefix="g2pw-")
    atexit.register(shutil.rmtree, tmp_root, True)
    tmp = Path(tmp_root) / "g2pw"
    shutil.copytree(upstream / "GPT_SoVITS" / "text" / "g2pw", tmp)
    import text
    spec = importlib.util.spec_from_file_location("text.g2pw", tmp / "__init__.py", submodule_search_locations=[str(tmp)])
    package = importlib.util.module_from_spec(spec)
    sys.modules["text.g2pw"] = package
    spec.loader.exec_module(package)
    text.g2pw = package
    from text import chinese2

    chinese2.is_g2pw = False
    return chinese2


def run_one(chinese2, text):
    try:
        norm = chinese2.text_normalize(text)
    except Exception as e:  # recorded: the C++ must fail too (with a gsv::Error)
        return {"text": text, "error": f"normalize: {type(e).__name__}"}
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the non-g2pW branch prints its result
            phones, word2ph = chinese2.g2p(norm)
    except Exception as e:
        return {"text": text, "norm": norm, "error": f"g2p: {type(e).__name__}"}
    assert all(w in (1, 2) for w in word2ph), (text, word2ph)
    return {"text": text, "norm": norm, "phones": " ".join(phones), "word2ph": "".join(str(w) for w in word2ph)}


def components(chinese2, corpus_rows):
    import jieba_fast
    import jieba_fast.posseg as psg
    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
    from pypinyin.contrib.tone_convert import to_finals_tone3, to_initials

    rng = random.Random(7)
    norms = [r["norm"] for r in corpus_rows if "norm" in r and r["norm"]]
    segs = []
    for n in norms:
        segs += [s for s in chinese2.re.split(r"(?<=[!?…,.-])\s*", n) if s.strip()]
    sample = sorted(set(rng.sample(segs, min(150, len(segs)))))
    sample += ["这是一个测试。", "中华人民共和国成立了", "我来到北京清华大学", "他来到了网易杭研大厦",
               "小明硕士毕业于中国科学院计算所，后在日本京都大学深造", "工信处女干事每月经过下属科室都要亲口交代",
               "永和服装饰品有限公司", "结婚的和尚未结婚的", "乒乓球拍卖完了", "研究生命的起源",
               "abc123你好,def.45", "喵呜喵呜啾啾嗷嗷", "嘚啵嘚啵", "龘靐齉爩", "蔡英文和宋楚瑜", "李小福是创新办主任也是云计算方面的专家"]
    posseg = [{"text": s, "words": [[w, t] for w, t in psg.lcut(s)]} for s in sample]

    words = set()
    for case in posseg:
        words.update(w for w, _ in case["words"])
    words = sorted(words)
    words_sample = sorted(set(rng.sample(words, min(300, len(words))))) + [
        "中华人民共和国", "北京大学生", "展览馆", "纸老虎", "蒙古包", "好喜欢", "所有人", "一丁不识"]
    search = [{"word": w, "cut": list(jieba_fast.cut_for_search(w)), "cut_plain": list(jieba_fast.cut(w))}
              for w in words_sample]

    readings = set()
    for v in PINYIN_DICT.values():
        readings.update(v.split(","))
    for v in PHRASES_DICT.values():
        for x in v:
            readings.update(x)
    # The converter lazy_pinyin(..., neutral_tone_with_five=True) runs on each dictionary reading.
    syllables = [[r, _convert(r, Style.INITIALS), _convert(r, Style.FINALS_TONE3), _convert(r, Style.TONE3)]
                 for r in sorted(readings)]
    tone3_syllables = sorted({s[3] for s in syllables if s[3]})
    from_tone3 = [[p, to_initials(p), to_finals_tone3(p, neutral_tone_with_five=True)] for p in tone3_syllables]

    lazy = [{"text": w, "initials": lazy_pinyin(w, neutral_tone_with_five=True, style=Style.INITIALS),
             "finals": lazy_pinyin(w, neutral_tone_with_five=True, style=Style.FINALS_TONE3),
             "tone3": lazy_pinyin(w, neutral_tone_with_five=True, style=Style.TONE3)}
            for w in words_sample + ["长城长", "重庆重新", "朝阳朝气", "你好,世界abc…", "兙好", "欸", "呣嗯噷"]]

    ts = chinese2.tone_modifier
    merges = []
    for case in posseg:
        merged = ts.pre_merge_for_modify([(w, t) for w, t in case["words"]])
        merges.append({"words": case["words"], "merged": [[w, t] for w, t in merged]})
    modified = []
    for case in merges:
        for w, t in case["merged"]:
            finals = lazy_pinyin(w, neutral_tone_with_five=True, style=Style.FINALS_TONE3)
            try:
                out = ts.modified_tone(w, t, list(finals))
            except Exception as e:
                out = f"error: {type(e).__name__}"
            modified.append({"word": w, "pos": t, "finals": finals, "out": out})
    split = [{"word": w, "split": ts._split_word(w)} for w in words_sample]
    return {"regex": regex_cases(corpus_rows), "posseg": posseg, "cut_for_search": search, "syllables": syllables, "from_tone3": from_tone3,
            "lazy_pinyin": lazy, "pre_merge": merges, "modified_tone": modified, "split_word": split}


def regex_cases(corpus_rows):
    """finditer() of upstream's own normalisation patterns over number-heavy texts: checks that the
    C++ regex engine (src/text/zh_regex.cpp) matches with Python's semantics."""
    import re
    from text.zh_normalization import chronology, num, phonecode, quantifier

    patterns = {
        "RE_DATE": chronology.RE_DATE, "RE_DATE2": chronology.RE_DATE2, "RE_TIME": chronology.RE_TIME,
        "RE_TIME_RANGE": chronology.RE_TIME_RANGE, "RE_TO_RANGE": num.RE_TO_RANGE,
        "RE_TEMPERATURE": quantifier.RE_TEMPERATURE, "RE_ASMD": num.RE_ASMD, "RE_POWER": num.RE_POWER,
        "RE_FRAC": num.RE_FRAC, "RE_PERCENTAGE": num.RE_PERCENTAGE, "RE_MOBILE_PHONE": phonecode.RE_MOBILE_PHONE,
        "RE_TELEPHONE": phonecode.RE_TELEPHONE, "RE_NATIONAL_UNIFORM_NUMBER": phonecode.RE_NATIONAL_UNIFORM_NUMBER,
        "RE_INTEGER": num.RE_INTEGER, "RE_VERSION_NUM": num.RE_VERSION_NUM, "RE_DECIMAL_NUM": num.RE_DECIMAL_NUM,
        "RE_POSITIVE_QUANTIFIERS": num.RE_POSITIVE_QUANTIFIERS, "RE_DEFAULT_NUM": num.RE_DEFAULT_NUM,
        "RE_NUMBER": num.RE_NUMBER,
    }
    # RE_RANGE is written in verbose mode; the engine takes the same pattern without layout.
    flat = re.sub(r"#[^\n]*|\s+", "", num.RE_RANGE.pattern)
    patterns["RE_RANGE"] = re.compile(flat)
    texts = sorted({r["text"] for r in corpus_rows if any(c.isdigit() for c in r["text"])})
    texts = [t for t in texts if all(ord(c) < 0x10000 for c in t)][:150]
    texts += ["12345年", "123年5月", "24:00", "2024-01-02", "2024-01/02", "913812345678", "a13812345678b",
              "8613812345678", "+86 13812345678", "010-12345678", "0755-1234567", "400-123-4567", "1.2.3.4",
              "3.5.7", "-12.5%", "5mm~10mm", "-3~5度", "1+2=3", "x²+y²", "a-b", ".5", "1..2", "99999999999"]
    cases = []
    for name, rx in patterns.items():
        for i, t in enumerate(texts):
            ms = [[m.start(), m.end(), [list(m.span(g)) for g in range(1, rx.groups + 1)]] for m in rx.finditer(t)]
            if ms or i % 10 == 0:
                cases.append([name, i, ms])
    return {"patterns": {k: v.pattern for k, v in patterns.items()}, "texts": texts, "cases": cases}


def _convert(reading, style):
    from pypinyin.converter import UltimateConverter
    return UltimateConverter(neutral_tone_with_five=True).convert_style("", reading, style, True)


def main():
    args = parse_args(__doc__)
    chinese2 = import_chinese2(args.upstream)
    corpus = build_corpus()
    rows = [run_one(chinese2, t) for t in corpus]
    out_dir = args.out / "frontend"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "zh_corpus.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    errors = sum(1 for r in rows if "error" in r)
    print(f"wrote {path} ({len(rows)} sentences, {errors} upstream errors, {path.stat().st_size} bytes)")

    # The g2pW branch with the fake model, over a sample of the corpus.
    rng = random.Random(11)
    sample = [r for r in rows if r.get("norm") and "error" not in r]
    sample = rng.sample(sample, min(200, len(sample)))
    chinese2.is_g2pw = True
    path = out_dir / "zh_g2pw_hook.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for r in sample:
            try:
                phones, word2ph = chinese2.g2p(r["norm"])
                row = {"norm": r["norm"], "phones": " ".join(phones), "word2ph": "".join(str(w) for w in word2ph)}
            except Exception as e:
                row = {"norm": r["norm"], "error": type(e).__name__}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    chinese2.is_g2pw = False
    print(f"wrote {path} ({path.stat().st_size} bytes)")

    comp = components(chinese2, rows)
    path = out_dir / "zh_components.json"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(comp, f, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
