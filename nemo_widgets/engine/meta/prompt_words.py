"""The cinematic vocabulary of text-to-video prompts, in English, Spanish and Chinese.

Every entry is an :class:`L` triple of the same choice in the three languages, so a seeded pick
gives the same shot, lens or light whichever language the prompt is written in. Nothing here
names a product, a person, a brand or a place: those come only from the user's idea. When the
idea names no subject, a genre's ``placeholder`` ("the product") stands in for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = ["GENRES", "Genre", "L", "pick_text"]


class L(NamedTuple):
    """One phrase in English, Spanish and Chinese."""

    en: str
    es: str
    zh: str

    def __call__(self, language: str) -> str:
        return getattr(self, language, self.en) or self.en


def pick_text(item: L | str, language: str) -> str:
    """``item`` in ``language`` (plain strings are the user's words, kept as typed)."""
    return item(language) if isinstance(item, L) else item


@dataclass(frozen=True)
class Genre:
    """Vocabulary and pacing of one kind of video."""

    name: str
    label: L
    triggers: tuple[str, ...]  # regexes (English and Spanish) that name the genre
    zh_triggers: str  # substrings that name it in Chinese
    placeholder: L  # the subject when the idea names none
    details: tuple[L, ...]  # neutral detail sentences about the subject
    settings: tuple[L, ...]  # neutral settings when the idea names none
    middle: tuple[str, ...]  # scene roles between the opening and the closing
    closing: str  # role of the last scene
    shot_s: tuple[float, float]  # sensible shot length range for the genre
    default_s: float  # length of a multi-scene piece when none is asked for
    moods: tuple[L, ...]
    styles: tuple[L, ...]
    palettes: tuple[L, ...]
    lighting: tuple[L, ...]
    times: tuple[str, ...]  # keys of TIMES
    actions: dict[str, tuple[L, ...]]


# Actions follow the subject ("The product is revealed ..."). English and Spanish start on the
# verb so it can agree with a plural subject; Chinese needs no agreement.
COMMON_ACTIONS: dict[str, tuple[L, ...]] = {
    "establishing": (
        L("is revealed as the camera settles on the scene",
          "se revela mientras la cámara se asienta en la escena",
          "在镜头缓缓稳定时显露出来"),
        L("sits in the scene while the space around it is shown",
          "ocupa la escena mientras se muestra el espacio a su alrededor",
          "置于场景之中，周围的空间随之展开"),
        L("comes into view as the frame opens up",
          "aparece a medida que el encuadre se abre",
          "随着画面展开进入视野"),
    ),
    "detail": (
        L("is shown up close, texture and small details in sharp focus",
          "se muestra de cerca, con la textura y los pequeños detalles nítidos",
          "以特写呈现，质感与细节清晰锐利"),
        L("catches a sliver of light that travels slowly across its surface",
          "recibe un hilo de luz que recorre despacio su superficie",
          "一缕光线缓缓掠过其表面"),
        L("fills the frame as focus racks onto its finest detail",
          "llena el encuadre mientras el foco pasa a su detalle más fino",
          "充满画面，焦点转移到最细微的细节上"),
    ),
    "hero": (
        L("holds the centre of the frame in its defining moment",
          "ocupa el centro del encuadre en su momento decisivo",
          "在画面中央，呈现最具代表性的一刻"),
        L("turns slowly toward the camera as the light builds",
          "gira despacio hacia la cámara mientras la luz crece",
          "在光线渐强时缓缓转向镜头"),
        L("is framed at its most striking, everything else falling away",
          "aparece en su encuadre más llamativo, con todo lo demás en segundo plano",
          "以最醒目的构图呈现，其余一切退居其后"),
    ),
    "in-use": (
        L("is used naturally, hands and motion in frame",
          "se usa con naturalidad, con manos y movimiento en el encuadre",
          "被自然地使用，手部动作入画"),
        L("becomes part of an everyday moment, used without fuss",
          "forma parte de un momento cotidiano, usado con sencillez",
          "融入日常的一刻，被随手使用"),
        L("is handled and used, showing how it fits real life",
          "se toma y se usa, mostrando cómo encaja en la vida real",
          "被拿起使用，展现它如何融入真实生活"),
    ),
    "process": (
        L("moves through one clear step of the process",
          "avanza por un paso claro del proceso",
          "完成流程中清晰的一步"),
        L("shows the next step, one deliberate movement at a time",
          "muestra el siguiente paso, un movimiento pausado cada vez",
          "展示下一步，每次一个从容的动作"),
        L("changes visibly as the step is completed",
          "cambia a la vista a medida que se completa el paso",
          "随着这一步完成而发生明显变化"),
    ),
    "journey": (
        L("moves through the scene, the camera following alongside",
          "recorre la escena mientras la cámara la acompaña",
          "在场景中移动，镜头在一旁跟随"),
        L("crosses the frame at an unhurried pace",
          "cruza el encuadre sin prisa",
          "从容地穿过画面"),
        L("advances toward the horizon as the scene unfolds",
          "avanza hacia el horizonte mientras la escena se despliega",
          "随着场景展开向远方前行"),
    ),
    "closing": (
        L("rests in a calm final composition",
          "reposa en una composición final serena",
          "定格在平静的收尾构图中"),
        L("holds still as the motion settles for a final beat",
          "se queda quieto mientras el movimiento se detiene en un último instante",
          "在运动平息的最后一拍中静止"),
        L("is framed one last time as the camera eases away",
          "aparece por última vez mientras la cámara se aleja suavemente",
          "在镜头缓缓远离时最后一次入画"),
    ),
    "call-to-action": (
        L("sits centred and still, clean negative space around it for an end card",
          "queda centrado y quieto, con espacio limpio alrededor para un cierre",
          "居中静止，四周留出干净的负空间用于片尾"),
        L("holds a confident final pose with empty space left for a logo added in the edit",
          "mantiene una pose final segura, con espacio libre para un logotipo en la edición",
          "保持自信的收尾姿态，为后期添加标志留出空白"),
        L("settles into a simple symmetrical composition, calm and uncluttered",
          "se asienta en una composición simétrica y sencilla, tranquila y despejada",
          "落定在简洁对称、安静利落的构图中"),
    ),
}  # fmt: skip

PERSON_ACTIONS: dict[str, tuple[L, ...]] = {
    "establishing": (
        L("is revealed as the camera settles on the scene",
          "se revela mientras la cámara se asienta en la escena",
          "在镜头缓缓稳定时显露出来"),
        L("comes into view as the frame opens up",
          "aparece a medida que el encuadre se abre",
          "随着画面展开进入视野"),
        L("stands small in the scene while the space around them is shown",
          "se ve pequeño en la escena mientras se muestra el espacio a su alrededor",
          "在场景中显得渺小，周围的空间随之展开"),
    ),
    "detail": (
        L("is seen in close detail, hands and small gestures in sharp focus",
          "se ve en detalle, con las manos y los pequeños gestos nítidos",
          "以近景呈现，手部和细小动作清晰锐利"),
        L("pauses in a quiet close moment as focus racks onto their face",
          "se detiene en un momento íntimo mientras el foco pasa a su rostro",
          "在安静的近景中停顿，焦点移到面部"),
        L("fills the frame, a small telling gesture caught up close",
          "llena el encuadre, con un pequeño gesto revelador captado de cerca",
          "充满画面，一个细微而传神的动作被近距离捕捉"),
    ),
    "in-use": (
        L("goes about one simple, natural action, hands and motion in frame",
          "realiza una acción sencilla y natural, con manos y movimiento en el encuadre",
          "做着一个简单自然的动作，手部动作入画"),
        L("moves through an everyday moment without fuss",
          "vive un momento cotidiano con sencillez",
          "自然地度过一个日常瞬间"),
    ),
}  # fmt: skip

PLACE_ACTIONS: dict[str, tuple[L, ...]] = {
    "establishing": COMMON_ACTIONS["establishing"][0::2],
    "hero": (
        L("is framed at its most striking, everything else falling away",
          "aparece en su encuadre más llamativo, con todo lo demás en segundo plano",
          "以最醒目的构图呈现，其余一切退居其后"),
        L("is shown whole in one composed frame as the light builds",
          "se muestra entero en un encuadre cuidado mientras la luz crece",
          "在光线渐强时以完整的构图呈现"),
    ),
    "detail": (
        L("is shown in close details: textures, objects and traces of the people who use it",
          "se muestra en detalles cercanos: texturas, objetos y huellas de quienes lo usan",
          "以近景细节呈现：质感、物件与使用者留下的痕迹"),
        L("gives up one telling detail as focus racks slowly across it",
          "revela un detalle elocuente mientras el foco lo recorre despacio",
          "焦点缓缓移过时，显露出一个传神的细节"),
    ),
}  # fmt: skip

_PRODUCT_DETAILS = (
    L("Its materials and finish rendered in crisp detail",
      "Sus materiales y acabados, en detalle nítido",
      "材质与表面处理清晰呈现"),
    L("Fine surface texture and clean edges visible",
      "Textura fina de la superficie y bordes limpios visibles",
      "细腻的表面质感与利落的边缘清晰可见"),
    L("Every seam, edge and reflection sharply defined",
      "Cada junta, borde y reflejo, perfectamente definidos",
      "每一道接缝、边缘和反光都清晰分明"),
)  # fmt: skip


def _genre(name: str, **kw: Any) -> Genre:
    actions = dict(COMMON_ACTIONS)
    actions.update(kw.pop("actions", {}))
    return Genre(name=name, actions=actions, **kw)


GENRES: dict[str, Genre] = {
    g.name: g
    for g in (
        _genre(
            "product",
            label=L("product showcase", "presentación de producto", "产品展示"),
            triggers=(r"product", r"showcase", r"unboxing", r"commercial", r"\bad\b", r"advert",
                      r"promo", r"producto", r"anuncio", r"publicidad", r"comercial",
                      r"escaparate"),
            zh_triggers=r"产品|商品|广告|开箱|展示",
            placeholder=L("the product", "el producto", "产品"),
            details=_PRODUCT_DETAILS,
            settings=(
                L("on a seamless charcoal studio backdrop", "sobre un fondo de estudio gris "
                  "carbón sin costuras", "无缝炭灰色影棚背景前"),
                L("on a simple pedestal in a minimalist studio", "sobre un pedestal sencillo "
                  "en un estudio minimalista", "极简影棚中的简洁展台上"),
                L("on a clean tabletop against a plain backdrop", "sobre una mesa limpia ante "
                  "un fondo liso", "纯色背景前的干净台面上"),
            ),
            middle=("detail", "hero", "in-use", "detail", "hero"),
            closing="call-to-action",
            shot_s=(3.0, 6.0),
            default_s=30.0,
            moods=(L("premium and confident", "premium y seguro", "高级而自信"),
                   L("sleek and aspirational", "elegante y aspiracional", "时尚而令人向往"),
                   L("calm and refined", "sereno y refinado", "沉静而精致")),
            styles=(L("high-end commercial product cinematography",
                      "cinematografía publicitaria de producto de alta gama",
                      "高端商业产品摄影"),
                    L("clean modern product film", "película de producto moderna y limpia",
                      "简洁现代的产品短片")),
            palettes=(L("charcoal, silver and soft white", "gris carbón, plata y blanco suave",
                        "炭灰、银色与柔白"),
                      L("cool greys with one accent colour", "grises fríos con un color de "
                        "acento", "冷灰色调加一种点缀色")),
            lighting=(L("soft overhead key light with crisp edge highlights",
                        "luz principal cenital suave con brillos nítidos en los bordes",
                        "柔和顶光主光，边缘高光清晰"),
                      L("large softbox key light with a thin rim light",
                        "luz principal de caja grande con un fino contraluz",
                        "大型柔光箱主光配细轮廓光"),
                      L("sculpted studio lighting with controlled reflections",
                        "iluminación de estudio modelada con reflejos controlados",
                        "塑形影棚布光，反光受控")),
            times=("studio",),
        ),
        _genre(
            "travel",
            label=L("travel film", "vídeo de viaje", "旅行短片"),
            triggers=(r"travel", r"trip", r"vacation", r"holiday", r"tourism", r"destination",
                      r"city", r"viaje", r"turismo", r"vacaciones", r"destino", r"ciudad"),
            zh_triggers=r"旅行|旅游|城市|风景区|度假",
            placeholder=L("the destination", "el destino", "目的地"),
            details=(L("Local textures and signs of daily life all around",
                       "Texturas locales y señales de la vida cotidiana alrededor",
                       "四周是当地的质感与日常生活的痕迹"),),
            settings=(L("in and around the destination", "en el destino y sus alrededores",
                        "在目的地及其周边"),),
            middle=("journey", "detail", "journey", "hero", "detail"),
            closing="closing",
            shot_s=(4.0, 8.0),
            default_s=30.0,
            moods=(L("adventurous and free", "aventurero y libre", "自由而充满冒险"),
                   L("awe-struck and serene", "asombrado y sereno", "震撼而宁静"),
                   L("warm and nostalgic", "cálido y nostálgico", "温暖而怀旧")),
            styles=(L("cinematic travel documentary", "documental de viaje cinematográfico",
                      "电影感旅行纪录片"),
                    L("handheld travel diary", "diario de viaje cámara en mano",
                      "手持旅行日记")),
            palettes=(L("teal and orange", "verde azulado y naranja", "青橙色调"),
                      L("deep blues and warm ambers", "azules profundos y ámbar cálido",
                        "深蓝与暖琥珀色")),
            lighting=(L("warm low sun with long shadows", "sol bajo y cálido con sombras largas",
                        "温暖的低角度阳光与长长的影子"),
                      L("soft diffused daylight", "luz de día suave y difusa", "柔和的漫射日光")),
            times=("golden hour", "early morning", "blue hour", "late afternoon"),
        ),
        _genre(
            "food",
            label=L("food film", "vídeo gastronómico", "美食短片"),
            triggers=(r"food", r"recipe", r"cooking", r"dish", r"restaurant", r"chef",
                      r"coffee", r"bak", r"comida", r"receta", r"cocina", r"plato",
                      r"restaurante", r"café"),
            zh_triggers=r"美食|食物|烹饪|菜谱|咖啡|餐厅|料理",
            placeholder=L("the dish", "el plato", "菜品"),
            details=(L("Steam, gloss and texture in appetising detail",
                       "Vapor, brillo y textura con un detalle apetitoso",
                       "热气、光泽与质感诱人可口"),),
            settings=(L("on a simple wooden table", "sobre una mesa de madera sencilla",
                        "简朴的木桌上"),
                      L("on a clean kitchen counter", "sobre una encimera de cocina limpia",
                        "干净的厨房台面上")),
            middle=("process", "detail", "process", "hero", "detail"),
            closing="hero",
            shot_s=(3.0, 6.0),
            default_s=20.0,
            moods=(L("warm and appetising", "cálido y apetecible", "温暖而诱人"),
                   L("cosy and homely", "acogedor y hogareño", "温馨居家")),
            styles=(L("food commercial cinematography", "cinematografía publicitaria "
                      "gastronómica", "美食广告摄影"),
                    L("slow-motion food film", "vídeo gastronómico a cámara lenta",
                      "慢动作美食短片")),
            palettes=(L("warm browns and creams", "marrones cálidos y crema", "暖棕与奶油色"),
                      L("earthy greens and wood", "verdes terrosos y madera", "大地绿与木色")),
            lighting=(L("soft side light from a window", "luz lateral suave de una ventana",
                        "来自窗边的柔和侧光"),
                      L("warm backlight that makes steam glow", "contraluz cálido que hace "
                        "brillar el vapor", "温暖逆光让热气发亮")),
            times=("morning light", "late afternoon light"),
            actions={
                "process": (
                    L("is prepared by hands in one clear step",
                      "se prepara a mano en un paso claro",
                      "在一个清晰的步骤中被亲手制作"),
                    L("changes colour and texture as it cooks",
                      "cambia de color y textura mientras se cocina",
                      "在烹饪中改变颜色与质感"),
                    L("is poured, sliced or plated with one confident motion",
                      "se sirve, se corta o se emplata con un gesto seguro",
                      "以一个利落的动作被倒入、切开或装盘"),
                )
            },
        ),
        _genre(
            "tutorial",
            label=L("tutorial", "tutorial", "教程"),
            triggers=(r"tutorial", r"how[- ]to", r"explainer", r"lesson", r"guide",
                      r"step[- ]by[- ]step", r"cómo", r"guía", r"lección", r"paso a paso"),
            zh_triggers=r"教程|教学|讲解|科普",
            placeholder=L("the demonstration", "la demostración", "演示内容"),
            details=(L("Every step clearly visible", "Cada paso claramente visible",
                       "每一步都清晰可见"),),
            settings=(L("at a bright, uncluttered workspace", "en un espacio de trabajo "
                        "luminoso y despejado", "明亮整洁的工作台前"),),
            middle=("process", "detail", "process", "process", "detail"),
            closing="closing",
            shot_s=(5.0, 10.0),
            default_s=45.0,
            moods=(L("clear and friendly", "claro y cercano", "清晰友好"),
                   L("calm and focused", "tranquilo y concentrado", "平静专注")),
            styles=(L("clean educational video", "vídeo educativo limpio", "简洁的教学视频"),
                    L("top-down tutorial film", "tutorial con plano cenital", "俯拍教程短片")),
            palettes=(L("clean whites with soft blues", "blancos limpios con azules suaves",
                        "干净的白色配柔和蓝色"),),
            lighting=(L("even soft light with no harsh shadows", "luz suave y uniforme sin "
                        "sombras duras", "均匀柔光，没有生硬阴影"),),
            times=("daytime",),
        ),
        _genre(
            "real_estate",
            label=L("property tour", "recorrido por la propiedad", "房产参观"),
            triggers=(r"real[- ]estate", r"property", r"listing", r"apartment", r"house tour",
                      r"home tour", r"inmobiliari", r"propiedad", r"apartamento", r"piso"),
            zh_triggers=r"房产|房子|公寓|看房|楼盘",
            placeholder=L("the property", "la propiedad", "房源"),
            details=(L("Clean lines and generous space", "Líneas limpias y espacio amplio",
                       "线条利落，空间开阔"),),
            settings=(L("inside and around the property", "dentro y alrededor de la propiedad",
                        "房源内外"),),
            middle=("journey", "detail", "journey", "hero", "journey"),
            closing="call-to-action",
            shot_s=(5.0, 8.0),
            default_s=45.0,
            moods=(L("airy and inviting", "luminoso y acogedor", "通透而温馨"),
                   L("calm and upscale", "sereno y exclusivo", "沉稳高档")),
            styles=(L("smooth gimbal property tour", "recorrido fluido con estabilizador",
                      "稳定器流畅运镜的看房视频"),),
            palettes=(L("warm whites and natural wood", "blancos cálidos y madera natural",
                        "暖白与原木色"),),
            lighting=(L("bright natural light flooding through windows", "luz natural "
                        "entrando a raudales por las ventanas", "明亮的自然光从窗户倾泻而入"),),
            times=("late morning", "golden hour"),
        ),
        _genre(
            "fitness",
            label=L("fitness film", "vídeo de fitness", "健身短片"),
            triggers=(r"fitness", r"workout", r"gym", r"training", r"yoga", r"running",
                      r"sport", r"entrenamiento", r"gimnasio", r"deporte"),
            zh_triggers=r"健身|运动|瑜伽|跑步|训练",
            placeholder=L("the athlete", "el deportista", "运动者"),
            details=(L("Focused expression, steady breath", "Expresión concentrada, respiración "
                       "firme", "神情专注，呼吸平稳"),),
            settings=(L("in a simple training space", "en un espacio de entrenamiento sencillo",
                        "简洁的训练空间里"),),
            middle=("in-use", "detail", "hero", "in-use", "detail"),
            closing="call-to-action",
            shot_s=(2.0, 5.0),
            default_s=20.0,
            moods=(L("energetic and determined", "enérgico y decidido", "充满活力而坚定"),
                   L("uplifting", "inspirador", "振奋人心")),
            styles=(L("high-energy sports commercial", "anuncio deportivo de alta energía",
                      "高能量运动广告"),),
            palettes=(L("high-contrast black and red", "negro y rojo de alto contraste",
                        "高对比黑红色调"),),
            lighting=(L("hard directional light with deep shadows", "luz dura y direccional "
                        "con sombras profundas", "硬朗的定向光与深邃阴影"),),
            times=("sunrise", "early morning"),
            actions={
                "in-use": (
                    L("pushes through one explosive repetition", "completa una repetición "
                      "explosiva", "完成一次爆发式的动作"),
                    L("drives forward in a powerful stride", "avanza con una zancada potente",
                      "以有力的步伐向前冲"),
                )
            },
        ),
        _genre(
            "fashion",
            label=L("fashion film", "vídeo de moda", "时尚短片"),
            triggers=(r"fashion", r"outfit", r"clothing", r"lookbook", r"apparel", r"runway",
                      r"moda", r"ropa", r"pasarela"),
            zh_triggers=r"时尚|穿搭|服装",
            placeholder=L("the outfit", "el conjunto", "服装"),
            details=(L("Fabric movement and texture clearly visible", "El movimiento y la "
                       "textura del tejido claramente visibles", "面料的动感与质地清晰可见"),),
            settings=(L("against a plain studio backdrop", "ante un fondo de estudio liso",
                        "纯色影棚背景前"),),
            middle=("hero", "detail", "in-use", "hero", "detail"),
            closing="closing",
            shot_s=(3.0, 6.0),
            default_s=30.0,
            moods=(L("effortless and editorial", "natural y editorial", "随性而有杂志感"),),
            styles=(L("editorial fashion film", "vídeo de moda editorial", "时尚大片风格"),),
            palettes=(L("muted earth tones", "tonos tierra apagados", "低饱和大地色"),),
            lighting=(L("soft window light", "luz suave de ventana", "柔和的窗光"),),
            times=("midday", "golden hour"),
        ),
        _genre(
            "nature",
            label=L("nature film", "vídeo de naturaleza", "自然短片"),
            triggers=(r"nature", r"wildlife", r"forest", r"ocean", r"landscape", r"mountain",
                      r"naturaleza", r"bosque", r"océano", r"paisaje", r"montaña"),
            zh_triggers=r"自然|森林|海洋|山|野生|风景",
            placeholder=L("the landscape", "el paisaje", "风景"),
            details=(L("Natural textures in rich detail", "Texturas naturales con gran detalle",
                       "自然的质感细节丰富"),),
            settings=(L("in the open landscape", "en pleno paisaje", "在开阔的自然中"),),
            middle=("journey", "detail", "hero", "journey", "detail"),
            closing="closing",
            shot_s=(5.0, 9.0),
            default_s=30.0,
            moods=(L("serene and majestic", "sereno y majestuoso", "宁静而壮丽"),
                   L("quiet and contemplative", "tranquilo y contemplativo", "安静而沉思")),
            styles=(L("nature documentary cinematography", "cinematografía de documental de "
                      "naturaleza", "自然纪录片摄影"),),
            palettes=(L("deep greens and mossy browns", "verdes profundos y marrones musgo",
                        "深绿与苔藓棕"),),
            lighting=(L("soft light through mist", "luz suave a través de la niebla",
                        "穿过薄雾的柔光"),),
            times=("dawn", "golden hour"),
        ),
        _genre(
            "generic",
            label=L("short film", "cortometraje", "短片"),
            triggers=(),
            zh_triggers="",
            placeholder=L("the subject", "el protagonista", "主体"),
            details=(L("Small telling details in sharp focus", "Pequeños detalles elocuentes "
                       "bien enfocados", "细微而传神的细节清晰锐利"),),
            settings=(L("in a simple, uncluttered setting", "en un entorno sencillo y "
                        "despejado", "简洁干净的环境中"),),
            middle=("journey", "detail", "hero", "journey", "detail"),
            closing="closing",
            shot_s=(4.0, 8.0),
            default_s=30.0,
            moods=(L("quietly cinematic", "cinematográfico y sereno", "含蓄而有电影感"),
                   L("hopeful", "esperanzador", "充满希望")),
            styles=(L("cinematic short film", "cortometraje cinematográfico", "电影感短片"),
                    L("naturalistic film look", "estética cinematográfica naturalista",
                      "自然主义电影质感")),
            palettes=(L("muted teal and amber", "verde azulado apagado y ámbar",
                        "低饱和青色与琥珀色"),),
            lighting=(L("soft natural light", "luz natural suave", "柔和的自然光"),),
            times=("golden hour", "overcast afternoon"),
        ),
    )
}  # fmt: skip

SHOTS: dict[str, tuple[L, ...]] = {
    "establishing": (L("wide establishing shot", "plano general de situación", "全景建立镜头"),
                     L("extreme wide shot", "gran plano general", "大远景"),
                     L("aerial drone shot", "plano aéreo con dron", "无人机航拍镜头")),
    "detail": (L("extreme close-up", "primerísimo primer plano", "大特写"),
               L("macro insert shot", "plano detalle macro", "微距插入镜头"),
               L("tight close-up", "primer plano cerrado", "紧凑特写")),
    "hero": (L("low-angle hero shot", "plano contrapicado heroico", "低角度英雄镜头"),
             L("medium close-up", "plano medio corto", "中近景"),
             L("centred medium shot", "plano medio centrado", "居中中景")),
    "in-use": (L("medium shot", "plano medio", "中景"),
               L("over-the-shoulder shot", "plano sobre el hombro", "过肩镜头"),
               L("handheld tracking shot", "plano de seguimiento cámara en mano", "手持跟拍镜头")),
    "process": (L("top-down overhead shot", "plano cenital", "俯拍镜头"),
                L("tight medium shot", "plano medio cerrado", "紧凑中景"),
                L("close-up", "primer plano", "特写")),
    "journey": (L("tracking shot", "travelling", "跟拍镜头"),
                L("wide follow shot", "plano general de seguimiento", "远景跟随镜头"),
                L("side-on travelling shot", "travelling lateral", "侧面移动镜头")),
    "closing": (L("wide shot", "plano general", "远景"),
                L("slow pull-back wide shot", "plano general con lento alejamiento",
                  "缓慢拉远的远景"),
                L("static wide shot", "plano general fijo", "固定远景")),
    "call-to-action": (L("centred static shot", "plano fijo centrado", "居中固定镜头"),
                       L("symmetrical medium shot", "plano medio simétrico", "对称中景"),
                       L("slow push-in wide shot", "plano general con lento acercamiento",
                         "缓慢推进的远景")),
}  # fmt: skip
LENSES: dict[str, tuple[L, ...]] = {
    "establishing": (L("24mm wide-angle lens", "objetivo gran angular de 24 mm", "24mm广角镜头"),
                     L("18mm ultra-wide lens", "objetivo ultra gran angular de 18 mm",
                       "18mm超广角镜头"),
                     L("35mm lens", "objetivo de 35 mm", "35mm镜头")),
    "detail": (L("100mm macro lens", "objetivo macro de 100 mm", "100mm微距镜头"),
               L("90mm macro lens", "objetivo macro de 90 mm", "90mm微距镜头"),
               L("85mm lens at f/2", "objetivo de 85 mm a f/2", "85mm镜头，光圈f/2")),
    "hero": (L("50mm lens at f/1.8", "objetivo de 50 mm a f/1.8", "50mm镜头，光圈f/1.8"),
             L("85mm portrait lens", "objetivo de retrato de 85 mm", "85mm人像镜头"),
             L("35mm lens", "objetivo de 35 mm", "35mm镜头")),
    "in-use": (L("35mm lens", "objetivo de 35 mm", "35mm镜头"),
               L("50mm lens", "objetivo de 50 mm", "50mm镜头"),
               L("28mm lens", "objetivo de 28 mm", "28mm镜头")),
    "process": (L("35mm lens", "objetivo de 35 mm", "35mm镜头"),
                L("50mm lens", "objetivo de 50 mm", "50mm镜头"),
                L("100mm macro lens", "objetivo macro de 100 mm", "100mm微距镜头")),
    "journey": (L("24mm lens", "objetivo de 24 mm", "24mm镜头"),
                L("35mm lens", "objetivo de 35 mm", "35mm镜头"),
                L("28mm lens", "objetivo de 28 mm", "28mm镜头")),
    "closing": (L("24mm lens", "objetivo de 24 mm", "24mm镜头"),
                L("35mm lens", "objetivo de 35 mm", "35mm镜头"),
                L("50mm lens", "objetivo de 50 mm", "50mm镜头")),
    "call-to-action": (L("50mm lens", "objetivo de 50 mm", "50mm镜头"),
                       L("35mm lens", "objetivo de 35 mm", "35mm镜头"),
                       L("85mm lens", "objetivo de 85 mm", "85mm镜头")),
}  # fmt: skip
MOVES: dict[str, tuple[L, ...]] = {
    "establishing": (L("slow dolly-in", "lento travelling de acercamiento", "缓慢推轨"),
                     L("gentle crane down", "suave descenso de grúa", "轻柔的摇臂下降"),
                     L("slow aerial push forward", "lento avance aéreo", "缓慢的航拍前推")),
    "detail": (L("slow slider move", "lento movimiento de slider", "缓慢滑轨移动"),
               L("subtle rack focus", "sutil cambio de foco", "细腻的移焦"),
               L("micro dolly along the surface", "micro travelling a lo largo de la superficie",
                 "沿表面的微距推轨")),
    "hero": (L("slow 180-degree orbit", "lenta órbita de 180 grados", "缓慢的180度环绕"),
             L("slow push-in", "lento acercamiento", "缓慢推进"),
             L("tilt-up reveal", "revelación con panorámica vertical", "上摇揭示")),
    "in-use": (L("handheld follow", "seguimiento cámara en mano", "手持跟随"),
               L("smooth gimbal move", "movimiento suave con estabilizador", "稳定器平滑运镜"),
               L("locked-off frame", "encuadre fijo", "固定机位")),
    "process": (L("locked-off frame", "encuadre fijo", "固定机位"),
                L("slow top-down drift", "lenta deriva cenital", "缓慢的俯拍平移"),
                L("gentle push-in", "suave acercamiento", "轻柔推进")),
    "journey": (L("smooth gimbal tracking move", "seguimiento suave con estabilizador",
                  "稳定器平滑跟拍"),
                L("steady side-on dolly", "travelling lateral estable", "平稳的侧向推轨"),
                L("slow forward glide", "lento deslizamiento hacia delante", "缓慢向前滑行")),
    "closing": (L("slow pull-back", "lento alejamiento", "缓慢拉远"),
                L("gentle crane up", "suave subida de grúa", "轻柔的摇臂上升"),
                L("locked-off frame", "encuadre fijo", "固定机位")),
    "call-to-action": (L("locked-off frame", "encuadre fijo", "固定机位"),
                       L("very slow push-in", "acercamiento muy lento", "极缓慢推进"),
                       L("gentle settle to stillness", "suave llegada a la quietud",
                         "轻柔地归于静止")),
}  # fmt: skip
CINEMATIC_LENSES = (
    L("40mm anamorphic lens", "objetivo anamórfico de 40 mm", "40mm变形宽银幕镜头"),
    L("50mm anamorphic lens", "objetivo anamórfico de 50 mm", "50mm变形宽银幕镜头"),
    L("75mm anamorphic lens", "objetivo anamórfico de 75 mm", "75mm变形宽银幕镜头"),
)
CINEMATIC_MOVES = (
    L("slow motorised dolly move", "lento travelling motorizado", "缓慢的电动轨道运镜"),
    L("smooth crane move", "suave movimiento de grúa", "平滑的摇臂运镜"),
    L("slow Steadicam glide", "lento deslizamiento con Steadicam", "缓慢的斯坦尼康滑行"),
)

# Mood families the user can ask for (words in the idea or a refinement) and what they set.
MOODS: dict[str, dict[str, Any]] = {
    "moody": {
        "words": r"mood(y|ier)|dark(er)?|noir|brooding|dramatic|gloomy|mysterious|shadowy|"
        r"oscur[oa]s?|sombrí[oa]|dramátic[oa]|misterios[oa]",
        "zh": r"暗调|阴郁|戏剧性|神秘|黑色电影|更暗|暗黑",
        "mood": (L("moody and dramatic", "sombrío y dramático", "阴郁而富有戏剧性"),
                 L("brooding and mysterious", "inquietante y misterioso", "深沉而神秘")),
        "lighting": (
            L("low-key lighting with deep shadows and a single hard side light",
              "iluminación en clave baja con sombras profundas y una única luz lateral dura",
              "低调布光，深邃阴影配单一硬侧光"),
            L("chiaroscuro lighting, one narrow beam cutting through haze",
              "claroscuro, un haz estrecho que atraviesa la bruma",
              "明暗对比布光，一束窄光穿透薄雾"),
        ),
        "palette": (L("desaturated deep blues and blacks", "azules profundos y negros "
                      "desaturados", "低饱和的深蓝与黑色"),
                    L("inky shadows with amber highlights", "sombras de tinta con luces ámbar",
                      "墨色阴影配琥珀色高光")),
        "times": ("night", "blue hour"),
    },
    "bright": {
        "words": r"bright(er)?|cheerful|happy|happier|upbeat|fun|playful|sunny|vibrant|"
        r"luminos[oa]|alegre|vibrante|divertid[oa]",
        "zh": r"明亮|欢快|活泼|阳光感|更亮",
        "mood": (L("bright and upbeat", "luminoso y animado", "明亮而轻快"),
                 L("cheerful and playful", "alegre y juguetón", "欢快而俏皮")),
        "lighting": (L("bright high-key lighting with soft shadows", "iluminación en clave "
                       "alta con sombras suaves", "明亮的高调布光，阴影柔和"),),
        "palette": (L("vivid saturated colours", "colores vivos y saturados", "鲜艳饱和的色彩"),),
        "times": ("midday", "bright morning"),
    },
    "calm": {
        "words": r"calm(er)?|serene|peaceful|relaxing|gentle|soft(er)?|minimal(ist)?|zen|"
        r"tranquil[oa]|seren[oa]|relajante|minimalista",
        "zh": r"平静|宁静|治愈|极简|舒缓",
        "mood": (L("calm and serene", "tranquilo y sereno", "平静安宁"),
                 L("quiet and minimal", "silencioso y minimalista", "安静极简")),
        "lighting": (L("soft diffused light with gentle gradients", "luz suave y difusa con "
                       "degradados delicados", "柔和的漫射光与细腻的渐变"),),
        "palette": (L("soft neutrals and pale sage", "neutros suaves y verde salvia pálido",
                      "柔和中性色与浅鼠尾草绿"),),
        "times": ("early morning", "overcast afternoon"),
    },
    "energetic": {
        "words": r"energetic|dynamic|exciting|intense|epic|powerful|bold|enérgic[oa]|"
        r"dinámic[oa]|épic[oa]|intens[oa]",
        "zh": r"动感|激情|史诗|震撼|燃",
        "mood": (L("energetic and bold", "enérgico y audaz", "充满能量而大胆"),),
        "lighting": (L("punchy contrasty light with bright rim highlights", "luz contrastada "
                       "e intensa con brillantes contraluces", "强烈的高反差光与明亮轮廓光"),),
        "palette": (L("high-contrast bold colours", "colores intensos de alto contraste",
                      "高对比的大胆色彩"),),
        "times": (),
    },
    "luxury": {
        "words": r"luxur(y|ious)|elegant|premium|classy|sophisticated|high[- ]end|lujo(so|sa)?|"
        r"elegante|sofisticad[oa]",
        "zh": r"高端|奢华|优雅|高级感",
        "mood": (L("elegant and luxurious", "elegante y lujoso", "优雅奢华"),),
        "lighting": (L("sculpted low-key lighting with gleaming highlights",
                       "iluminación modelada en clave baja con brillos relucientes",
                       "塑形低调布光与闪亮高光"),),
        "palette": (L("black, champagne and gold", "negro, champán y oro", "黑色、香槟色与金色"),),
        "times": (),
    },
    "cozy": {
        "words": r"cozy|cosy|warm(er)?|nostalgic|homely|romantic|acogedor[a]?|cálid[oa]|"
        r"nostálgic[oa]|romántic[oa]",
        "zh": r"温馨|温暖|怀旧|浪漫",
        "mood": (L("cosy and nostalgic", "acogedor y nostálgico", "温馨而怀旧"),),
        "lighting": (L("warm tungsten practicals and candle glow", "luces prácticas de "
                       "tungsteno cálidas y brillo de velas", "温暖的钨丝灯与烛光"),),
        "palette": (L("warm ambers and browns", "ámbar y marrones cálidos", "暖琥珀与棕色"),),
        "times": ("evening", "late afternoon"),
    },
}  # fmt: skip

# Lighting the user may name: (English regex, Spanish/Chinese regex, the phrase it becomes).
LIGHTING_WORDS: tuple[tuple[str, str, L], ...] = (
    (r"cinematic light(ing)?", r"iluminación cinematográfica|luz cinematográfica|电影感灯光|"
     r"电影级灯光|电影光效|电影感光线",
     L("cinematic lighting with a soft key, subtle rim light and gentle haze",
       "iluminación cinematográfica con luz principal suave, contraluz sutil y bruma ligera",
       "电影感布光：柔和主光、细腻轮廓光与轻微雾气")),
    (r"natural light(ing)?", r"luz natural|自然光", L("soft natural light", "luz natural suave",
                                                     "柔和的自然光")),
    (r"studio light(ing)?", r"luz de estudio|iluminación de estudio|影棚灯光|棚拍",
     L("controlled studio lighting", "iluminación de estudio controlada", "可控的影棚布光")),
    (r"neon( light(s|ing)?)?", r"neón|霓虹",
     L("neon light in magenta and cyan", "luz de neón magenta y cian", "洋红与青色的霓虹灯光")),
    (r"golden[- ]hour", r"hora dorada|黄金时刻",
     L("warm golden-hour sunlight", "cálida luz de la hora dorada", "温暖的黄金时刻阳光")),
    (r"candle ?light", r"luz de velas|烛光", L("flickering candlelight", "luz de velas "
                                              "titilante", "摇曳的烛光")),
    (r"back ?lit|backlight(ing)?", r"contraluz|逆光", L("strong backlight with a glowing rim",
                                                      "contraluz intenso con borde luminoso",
                                                      "强烈逆光与发光轮廓")),
    (r"soft light(ing)?", r"luz suave|柔光", L("soft diffused lighting", "iluminación suave y "
                                              "difusa", "柔和的漫射光")),
    (r"dramatic light(ing)?", r"luz dramática|戏剧性灯光", L("dramatic high-contrast lighting",
                                                         "iluminación dramática de alto "
                                                         "contraste", "戏剧性的高反差布光")),
)  # fmt: skip

#: Times of day: the English key (what the spec stores) and its words in es and zh, with the
#: regexes that find it in Spanish and Chinese ideas.
TIMES: dict[str, tuple[L, str]] = {
    "sunrise": (L("sunrise", "amanecer", "日出"), r"amanecer|日出"),
    "dawn": (L("dawn", "alba", "黎明"), r"al alba|黎明|拂晓"),
    "morning": (L("morning", "mañana", "早晨"), r"por la mañana|早晨|清晨|早上"),
    "midday": (L("midday", "mediodía", "正午"), r"mediodía|正午|中午"),
    "noon": (L("noon", "mediodía", "正午"), r"^$"),
    "afternoon": (L("afternoon", "tarde", "午后"), r"por la tarde|下午|午后"),
    "golden hour": (L("golden hour", "hora dorada", "黄金时刻"), r"hora dorada|黄金时刻"),
    "sunset": (L("sunset", "atardecer", "日落"), r"atardecer|puesta de sol|日落|夕阳"),
    "dusk": (L("dusk", "anochecer", "黄昏"), r"anochecer|crepúsculo|黄昏|傍晚"),
    "blue hour": (L("blue hour", "hora azul", "蓝调时刻"), r"hora azul|蓝调时刻"),
    "evening": (L("evening", "noche temprana", "傍晚"), r"^$"),
    "twilight": (L("twilight", "crepúsculo", "暮光"), r"^$"),
    "night": (L("night", "noche", "夜晚"), r"de noche|por la noche|夜晚|夜景|晚上|深夜"),
    "midnight": (L("midnight", "medianoche", "午夜"), r"medianoche|午夜"),
    # Times the vocabulary itself chooses.
    "studio": (L("timeless studio light", "luz de estudio atemporal", "不受时间影响的影棚光"),
               r"^$"),
    "early morning": (L("early morning", "primera hora de la mañana", "清晨"), r"^$"),
    "late afternoon": (L("late afternoon", "última hora de la tarde", "傍晚时分"), r"^$"),
    "morning light": (L("morning light", "luz de la mañana", "晨光"), r"^$"),
    "late afternoon light": (L("late afternoon light", "luz de última hora de la tarde",
                               "傍晚的光线"), r"^$"),
    "daytime": (L("daytime", "de día", "白天"), r"^$"),
    "late morning": (L("late morning", "media mañana", "上午"), r"^$"),
    "overcast afternoon": (L("overcast afternoon", "tarde nublada", "阴天午后"), r"^$"),
    "bright morning": (L("bright morning", "mañana luminosa", "明媚的早晨"), r"^$"),
}  # fmt: skip

# The sentences of a prompt, per language.
TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "camera": "{shot} on {article} {lens}, {move}.",
        "subject": "{subject} {action}.",
        "details": "{details}.",
        "rest": "Setting: {setting}. Lighting: {lighting}, {time}. Style: {style}; mood: {mood}; "
        "colour palette: {palette}. Constraints: {constraints}.",
        "sep": "; ",
        "duration": "{d:g} s",
        "aspect": "{aspect} aspect ratio ({w}x{h})",
        "single": "one continuous shot with a single action",
        "no_text": "no on-screen text, no logos or watermarks",
        "vertical": "subject centred in a vertical frame, safe margins top and bottom",
        "cinematic": ", anamorphic bokeh, subtle film grain, shallow depth of field, 24 fps",
        "cinematic2": ", volumetric haze, teal-and-amber grade, slow deliberate camera",
        "plain": ", photorealistic, natural motion",
        "keeping": "{lighting}, keeping the {named}",
        "shown_in_full": "{setting}, shown in full",
        "inside": "inside {subject}, lived in, with its own clutter and light",
        "overview": "A {d:g}-second {label} of {subject}, {n} shots, {aspect} ({w}x{h}), {mood}; "
        "no on-screen text.",
        "scene": "Scene {i} ({a:g}–{b:g} s, {role}): {prompt}",
        "card": "Scene {i} · {role}\n{shot} — {subject}",
    },
    "es": {
        "camera": "{shot} con {lens}, {move}.",
        "subject": "{subject} {action}.",
        "details": "{details}.",
        "rest": "Escenario: {setting}. Iluminación: {lighting}, {time}. Estilo: {style}; "
        "ambiente: {mood}; paleta de color: {palette}. Restricciones: {constraints}.",
        "sep": "; ",
        "duration": "{d:g} s",
        "aspect": "relación de aspecto {aspect} ({w}x{h})",
        "single": "un solo plano continuo con una única acción",
        "no_text": "sin texto en pantalla, sin logotipos ni marcas de agua",
        "vertical": "sujeto centrado en un encuadre vertical, con márgenes de seguridad arriba "
        "y abajo",
        "cinematic": ", bokeh anamórfico, grano de película sutil, poca profundidad de campo, "
        "24 fps",
        "cinematic2": ", bruma volumétrica, etalonaje verde azulado y ámbar, cámara lenta y "
        "deliberada",
        "plain": ", fotorrealista, movimiento natural",
        "keeping": "{lighting}, manteniendo la {named}",
        "shown_in_full": "{setting}, mostrado por completo",
        "inside": "dentro de {subject}, habitado, con su propio desorden y su propia luz",
        "overview": "Un {label} de {d:g} segundos sobre {subject}, {n} planos, {aspect} "
        "({w}x{h}), {mood}; sin texto en pantalla.",
        "scene": "Escena {i} ({a:g}–{b:g} s, {role}): {prompt}",
        "card": "Escena {i} · {role}\n{shot} — {subject}",
    },
    "zh": {
        "camera": "{shot}，{lens}，{move}。",
        "subject": "{subject}{action}。",
        "details": "{details}。",
        "rest": "场景：{setting}。光线：{lighting}，{time}。风格：{style}；氛围：{mood}；"
        "色调：{palette}。要求：{constraints}。",
        "sep": "；",
        "duration": "{d:g}秒",
        "aspect": "{aspect}画幅（{w}x{h}）",
        "single": "单一连续镜头，只有一个动作",
        "no_text": "画面中不出现文字、标志或水印",
        "vertical": "主体居中于竖屏画面，上下留出安全边距",
        "cinematic": "，变形宽银幕焦外、轻微胶片颗粒、浅景深、24帧",
        "cinematic2": "，体积雾、青橙调色、缓慢从容的运镜",
        "plain": "，写实质感，动作自然",
        "keeping": "{lighting}，保留{named}",
        "shown_in_full": "{setting}，完整呈现",
        "inside": "{subject}内部，有生活气息，保留其原有的物件与光线",
        "overview": "一支{d:g}秒的{label}，主体：{subject}，共{n}个镜头，{aspect}（{w}x{h}），"
        "氛围{mood}；画面中不出现文字。",
        "scene": "镜头{i}（{a:g}–{b:g}秒，{role}）：{prompt}",
        "card": "镜头{i} · {role}\n{shot} — {subject}",
    },
}

ROLE_NAMES: dict[str, L] = {
    "establishing": L("establishing", "presentación", "开场"),
    "detail": L("detail", "detalle", "细节"),
    "hero": L("hero", "protagonista", "主镜头"),
    "in-use": L("in use", "en uso", "使用中"),
    "process": L("process", "proceso", "过程"),
    "journey": L("journey", "recorrido", "行进"),
    "closing": L("closing", "cierre", "收尾"),
    "call-to-action": L("call to action", "llamada a la acción", "行动号召"),
}

REPLY: dict[str, dict[str, str]] = {
    "en": {
        "updated": "Updated: {}.",
        "single": "**Video prompt** ({d:g} s, {aspect}, {w}x{h})",
        "board": "**Storyboard**: {n} scenes, {d:g} s, {aspect} ({w}x{h})",
    },
    "es": {
        "updated": "Actualizado: {}.",
        "single": "**Prompt de vídeo** ({d:g} s, {aspect}, {w}x{h})",
        "board": "**Guion gráfico**: {n} escenas, {d:g} s, {aspect} ({w}x{h})",
    },
    "zh": {
        "updated": "已更新：{}。",
        "single": "**视频提示词**（{d:g}秒，{aspect}，{w}x{h}）",
        "board": "**分镜脚本**：{n}个镜头，{d:g}秒，{aspect}（{w}x{h}）",
    },
}
