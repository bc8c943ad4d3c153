"""Closed word classes of English, Spanish and Chinese that key phrases never start or end on.

Three lists per language, written here for spoken transcripts:

* ``STOP``: function words (articles, pronouns, prepositions, conjunctions, auxiliaries,
  quantifiers, common adverbs) and the fillers of speech ("um", "o sea", "嗯"). They split a
  transcript into candidate phrases, as in RAKE.
* ``GENERIC``: content words too general to be what a video is about ("thing", "time",
  "power", "tiempo", "东西"). They may sit inside a phrase but weigh little and never stand alone.
* ``VERBS``: frequent verb forms; a tag is a name or a noun phrase, so it never starts or ends on
  one ("make", "said", "tiene", "puede").

The published stop-word packages were tried first: their English lists run past 1,200 entries
and include "computer", "fire" and "world", which would cut real topics out of the tags.
"""

from __future__ import annotations

__all__ = ["ADJECTIVES", "ADVERB_EXCEPTIONS", "GENERIC", "HONORIFICS", "STOP", "VERBS", "ZH_STOP"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EN_STOP = _words(
    """
    a an the and or but nor so yet if then else than that this these those there here
    i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves one ones
    who whom whose which what whatever whoever whichever when where why how whether while
    am is are was were be been being have has had having do does did doing done
    will would shall should can could may might must ought need needs dare
    of at by for with about against between into through during before after above below to
    from up down in out on off over under again further once onto upon within without along
    across behind beyond around among amongst toward towards via per like unlike near
    all any both each few more most other some such no not only own same too very just
    also even still already almost quite rather really actually basically literally simply
    pretty fairly maybe perhaps probably certainly surely indeed anyway anyhow though although
    because since unless until till whereas however therefore thus hence otherwise meanwhile
    ever never always often sometimes usually again ago soon now today tonight tomorrow
    yesterday later earlier first second third last next then once twice
    much many lot lots little less least enough several every either neither another else
    something anything nothing everything someone anyone everyone nobody somebody anybody
    everybody somewhere anywhere everywhere nowhere
    um uh erm er hmm ah oh okay ok yeah yep yes nope hey hi hello bye wow gonna wanna gotta
    kinda sorta dunno ya y'all
    i'm i've i'll i'd you're you've you'll you'd he's she's it's we're we've we'll we'd they're
    they've they'll they'd that's there's here's what's who's where's how's let's
    don't doesn't didn't can't cannot couldn't won't wouldn't shouldn't isn't aren't wasn't
    weren't haven't hasn't hadn't mustn't mightn't needn't ain't
    s t d ll m re ve o y
    mr mrs ms dr mister missus sir madam st
    zero two three four five six seven eight nine ten eleven twelve fifteen twenty thirty
    forty fifty sixty hundred hundreds thousand thousands million millions half dozen
    """
)

_EN_GENERIC = _words(
    """
    thing things stuff way ways time times day days year years week weeks moment point part
    parts kind kinds sort sorts bit bits piece lot fact case example question problem idea ideas
    people person man men woman women guy guys folks everybody child children kid kids
    friend friends life world place places area side end start beginning number numbers
    power leisure amount level matter reason reasons result results course sense word words
    video videos channel subscribe episode clip clips content today minute minutes second
    seconds hour hours tip tips step steps hand hands head eye eyes face home house room
    """
)

# Adjectives too general to end an English tag or start a Spanish one ("young", "buena").
_EN_ADJECTIVES = _words(
    """
    good great nice new old big small little large long short high low best better worse worst
    young real true right wrong sure able possible important different same whole full
    free easy hard simple quick fast slow early late main major certain clear open close
    next last own other various special general particular local public common cool
    awesome amazing fine bad huge tiny entire cold hot warm heavy light dark happy sad
    beautiful perfect healthy strong weak rich poor deep wide clean dirty quiet loud
    """
)

_EN_VERBS = _words(
    """
    be is are was were been being am do does did done doing have has had having
    make makes made making get gets got getting gotten go goes went going gone come comes came
    coming take takes took taken taking give gives gave given giving put puts putting
    say says said saying tell tells told telling know knows knew known knowing think thinks
    thought thinking see sees saw seen seeing look looks looked looking want wants wanted
    need needs needed use uses used using find finds found try tries tried trying
    keep keeps kept let lets begin began begun seem seems seemed help helps helped
    show shows showed shown talk talks talked turn turns turned start starts started
    call calls called ask asks asked feel feels felt become becomes became leave leaves left
    mean means meant bring brings brought happen happens happened consider considers
    considered like likes liked love loves loved hope hopes hoped wait waits waited
    work works worked play plays played run runs ran move moves moved live lives lived
    believe believes believed hold holds held stand stands stood hear hears heard
    set sets sit sits sat lose loses lost pay pays paid meet meets met include includes
    included continue continues continued learn learns learned change changes changed
    watch watches watched follow follows followed stop stops stopped create creates created
    speak speaks spoke read reads allow allows allowed add adds added spend spends spent
    grow grows grew open opens opened walk walks walked win wins won offer offers offered
    remember remembers remembered appear appears appeared buy buys bought serve serves served
    die dies died send sends sent expect expects expected build builds built stay stays stayed
    fall falls fell cut cuts reach reaches reached kill kills killed remain remains remained
    suggest suggests suggested raise raises raised pass passes passed sell sells sold
    require requires required report reports reported decide decides decided pull pulls pulled
    married marry check checks checked
    """
)

_ES_STOP = _words(
    """
    el la lo los las un una unos unas al del de a ante bajo con contra desde durante en entre
    hacia hasta mediante para por según sin sobre tras y e ni o u pero sino que porque pues
    como cómo cuando cuándo donde dónde adonde quien quién quienes cual cuál cuales cuyo cuya
    qué si sí no ya aún todavía también tampoco muy mucho mucha muchos muchas poco poca pocos
    pocas más menos tan tanto tanta tantos tantas todo toda todos todas nada algo alguien
    nadie cada otro otra otros otras mismo misma mismos mismas algún alguno alguna algunos
    algunas ningún ninguno ninguna cualquier cualquiera bastante demasiado
    yo tú vos usted ustedes él ella ello ellos ellas nosotros nosotras vosotros vosotras
    me te se nos os le les mi mis tu tus su sus nuestro nuestra nuestros nuestras vuestro
    vuestra mío mía míos mías tuyo tuya suyo suya suyos suyas conmigo contigo consigo
    este esta esto estos estas ese esa eso esos esas aquel aquella aquello aquellos aquellas
    aquí ahí allí allá acá hoy ayer mañana ahora luego después antes entonces siempre nunca
    jamás casi solo sólo solamente incluso además así bien mal quizá quizás tal vez mientras
    aunque es son era eran fue fueron ser sido siendo soy eres somos sea sean estar está
    están estaba estaban estoy estás estamos estado esté haber ha han he has hemos había
    habían hay hubo habrá haya tener tiene tienen tengo tienes tenemos tenía tuvo
    voy vas va vamos van iba ir puede pueden puedo puedes podemos podría
    primero primera segundo segunda tercero tercera último última
    eh em este bueno pues vale vamos mira oye tipo digamos osea ok okay vale sí hola adiós
    señor señora señorita don doña sr sra srta dr dra
    cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce quince veinte treinta
    cuarenta cincuenta sesenta cien ciento cientos mil millón millones medio media docena
    """
)

_ES_GENERIC = _words(
    """
    cosa cosas forma formas manera maneras tiempo vez veces día días año años semana semanas
    momento parte partes tipo ejemplo caso pregunta problema idea ideas gente persona personas
    hombre hombres mujer mujeres chico chica niño niños amigo amigos vida mundo lugar sitio
    lado final inicio número poder razón resultado sentido palabra palabras video vídeo
    videos vídeos canal episodio clip contenido minuto minutos segundo segundos hora horas
    consejo consejos paso pasos mano manos cabeza casa verdad
    """
)

_ES_ADJECTIVES = _words(
    """
    bueno buena buenos buenas nuevo nueva nuevos nuevas viejo vieja viejos viejas grande
    grandes pequeño pequeña pequeños pequeñas gran mejor mejores peor peores importante
    importantes diferente diferentes fácil difícil rápido rápida lento lenta cierto cierta
    claro clara total típico típica perfecto perfecta increíble genial rico rica
    """
)

_ES_VERBS = _words(
    """
    hacer hace hacen hago haces hacemos hizo hecho haciendo decir dice dicen digo dijo dicho
    diciendo ver veo ves ve vemos ven vio visto viendo dar doy das da damos dan dio dado
    saber sé sabes sabe sabemos saben sabía querer quiero quieres quiere queremos quieren
    quería necesitar necesito necesitas necesita necesitamos necesitan poner pongo pone ponen
    puso puesto llegar llega llegan pasar pasa pasan pasó deber debe deben debemos debo
    parecer parece seguir sigue siguen encontrar encuentra llamar llama venir viene vienen
    vino pensar pienso piensa salir sale volver vuelve tomar toma conocer conoce vivir vive
    sentir siente tratar trata mirar mira contar cuenta empezar empieza esperar espera
    buscar busca existir existe entrar entra trabajar trabaja escribir escribe perder pierde
    producir produce ocurrir ocurre entender entiende pedir pide recibir recibe recordar
    recuerda terminar termina permitir permite aparecer aparece conseguir consigue comenzar
    comienza servir sirve sacar saca usar usa usan usamos gustar gusta gustan
    conviene convienen transforma transforman convierte convierten guarda guardan rinde rinden
    baja bajan sube suben funciona funcionan explica explico cambia cambian queda quedan
    ayuda ayudan sirven sale salen
    """
)

#: Words after which a capitalised or not word is a name ("Mr. John Dashwood").
HONORIFICS = _words(
    "mr mrs ms dr mister missus sir madam lord lady señor señora señorita don doña sr sra srta"
)

# Words in -ly / -mente that are nouns, not adverbs.
ADVERB_EXCEPTIONS = _words(
    "family assembly butterfly supply anomaly monopoly jelly belly bully rally ally lily july "
    "italy sicily reply melancholy folly holly dolly gully tally emily kelly molly polly "
    "mente demente clemente simiente"
)

#: Chinese function words, pronouns, measure words and fillers (rjieba splits these out).
ZH_STOP = _words(
    """
    的 了 着 过 是 在 有 和 与 及 或 而 但 但是 并 并且 因为 所以 如果 虽然 然后 于是 就 都 也 还
    又 再 才 很 非常 太 更 最 比较 一些 一点 一下 一个 一种 一样 一起 这 那 这个 那个 这些 那些 这里
    那里 这样 那样 这么 那么 什么 怎么 怎样 如何 为什么 哪 哪里 谁 我 你 您 他 她 它 我们 你们 他们
    她们 它们 咱们 大家 自己 别人 人家 吗 呢 吧 啊 呀 哦 嗯 呃 嘛 哈 啦 喔 对 好 好的 可以 能 会 要
    想 让 把 被 给 对于 关于 为 为了 从 向 到 由 以 用 通过 按照 根据 之 其 此 每 各 某 等 等等
    今天 现在 已经 正在 刚才 马上 之后 之前 以后 以前 时候 一直 总是 经常 有时 其实 就是 只是 还是
    真的 可能 应该 需要 必须 不 没 没有 不是 别 视频 大家好 欢迎 频道 订阅 点赞 东西 事情 问题 方面
    部分 地方 时间 方法 方式 情况 样子 一下子 比如 例如 还有 另外 首先 其次 最后 第一 第二 第三
    """
)

STOP: dict[str, frozenset[str]] = {"en": _EN_STOP, "es": _ES_STOP, "zh": ZH_STOP}
ADJECTIVES: dict[str, frozenset[str]] = {"en": _EN_ADJECTIVES, "es": _ES_ADJECTIVES}
GENERIC: dict[str, frozenset[str]] = {
    "en": _EN_GENERIC | _EN_ADJECTIVES,
    "es": _ES_GENERIC | _ES_ADJECTIVES,
    "zh": _words(
        "人 东西 事情 时间 地方 方法 视频 内容 部分 问题 情况 世界 生活 朋友 今天 大家 一天 "
        "关键 过程 时候 结果 原因 样子 效果 感觉"
    ),
}
VERBS: dict[str, frozenset[str]] = {"en": _EN_VERBS, "es": _ES_VERBS, "zh": frozenset()}
