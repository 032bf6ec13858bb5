"""Tests of the LSTM cell diagram and its two pure helpers.

The drawing is checked through the gids every artist carries: labels and
values are findable, a highlight keeps its part's colours and washes out the
rest, nothing falls outside the figure. The pure helpers are checked against
the NumPy backend and against the article's formulas written out here.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from lstm_tutorial import numpy as lt  # noqa: E402
from lstm_tutorial.demos import cell_values, output_demo  # noqa: E402
from lstm_tutorial.diagram import HIGHLIGHTS, VALUE_KEYS, draw_lstm_cell, draw_unrolled  # noqa: E402


def cell_values_from_gates(c_prev, f, i, c_tilde, o):
    """The cell's numbers from gates set by hand, as the sliders compute them."""
    return {k: v for k, v in output_demo(o, f, i, c_tilde, c_prev).items() if k != "tanh_c"}

ALL_VALUES = {
    "x": 0.5, "h_prev": -0.2, "c_prev": 0.8, "f": 0.7312, "i": 0.3077, "c_tilde": -0.1215,
    "o": 0.4259, "c": 0.5476, "h": 0.2125, "y": 0.6049,
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def by_gid(ax: Axes) -> dict:
    """Every artist of the drawing that has a gid, texts and value boxes included."""
    out = {}
    for artist in ax.get_children():
        gid = artist.get_gid()
        if gid is not None:
            assert gid not in out, f"duplicate gid {gid}"
            out[gid] = artist
    return out


def colours(artist) -> list[tuple[float, ...]]:
    """The colours that make an artist visible (text colour, or face and edge)."""
    if isinstance(artist, Text):
        return [to_rgba(artist.get_color())]
    return [to_rgba(artist.get_facecolor()), to_rgba(artist.get_edgecolor())]


def random_params(seed: int) -> lt.LSTMParams:
    """Hidden size 1, input size 1, every weight and bias random and non-zero."""
    rng = np.random.default_rng(seed)
    w = [rng.uniform(0.3, 1.5, (1, 2)) * rng.choice([-1, 1], (1, 2)) for _ in range(4)]
    b = [rng.uniform(0.2, 1.0, 1) * rng.choice([-1, 1]) for _ in range(4)]
    return lt.LSTMParams(*w, *b)


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


def test_returns_the_axes_it_draws_into():
    ax = draw_lstm_cell()
    assert isinstance(ax, Axes)
    assert not ax.axison
    fig, own = plt.subplots()
    assert draw_lstm_cell(own) is own


@pytest.mark.parametrize("highlight", [None, *HIGHLIGHTS])
def test_each_highlight_draws_and_fits_in_the_figure(highlight, tmp_path):
    ax = draw_lstm_cell(highlight=highlight, values=ALL_VALUES)
    fig = ax.figure
    fig.savefig(tmp_path / "cell.png")
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    boxes = [(t.get_gid(), t.get_window_extent(renderer)) for t in ax.texts]
    boxes += [(t.get_gid(), t.get_bbox_patch().get_window_extent(renderer)) for t in ax.texts if t.get_bbox_patch()]
    for gid, box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, f"{gid} cut off horizontally"
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, f"{gid} cut off vertically"
    caption = by_gid(ax).get("caption")
    assert (caption is None) == (highlight is None)
    if highlight is not None:
        assert highlight.split()[0] in caption.get_text().lower() or highlight == "memory"


def test_every_text_is_findable_and_labels_use_mathtext():
    ax = draw_lstm_cell(values=ALL_VALUES)
    assert all(t.get_gid() for t in ax.texts), [t.get_text() for t in ax.texts if not t.get_gid()]
    artists = by_gid(ax)
    for key in VALUE_KEYS:
        label = artists[f"label:{key}"]
        assert label.get_text().startswith("$") and label.get_text().endswith("$")
        assert label.get_fontsize() >= 9
        assert artists[f"value:{key}"].get_fontsize() >= 9
    assert artists["label:c_tilde"].get_text() == r"$\tilde{C}_t$"
    assert artists["label:c_prev"].get_text() == r"$C_{t-1}$"
    for gid in ("gate:f", "gate:i", "gate:c_tilde", "gate:o", "node:mul_f", "node:add", "node:mul_i",
                "node:mul_h", "node:tanh_c", "label:hx", "frame"):
        assert gid in artists


def test_sigmoid_gates_share_one_colour_and_tanh_has_another():
    artists = by_gid(draw_lstm_cell(values={"y": 0.5}))
    sigmoid = {artists[g].get_facecolor() for g in ("gate:f", "gate:i", "gate:o", "gate:y")}
    assert len(sigmoid) == 1
    assert artists["gate:c_tilde"].get_facecolor() not in sigmoid


def test_value_texts_show_the_numbers():
    artists = by_gid(draw_lstm_cell(values=ALL_VALUES))
    assert artists["value:f"].get_text() == "= 0.73"
    assert "\u22120.12" in artists["value:c_tilde"].get_text()  # a true minus sign
    assert "0.80" in artists["value:c_prev"].get_text()
    for key, v in ALL_VALUES.items():
        assert f"{abs(v):.2f}" in artists[f"value:{key}"].get_text()
    # only the values given are written; -0.001 does not show as -0.00
    artists = by_gid(draw_lstm_cell(values={"h": np.array([-0.001])}))
    assert [g for g in artists if g.startswith("value:")] == ["value:h"]
    assert artists["value:h"].get_text().endswith("0.00") and "\u2212" not in artists["value:h"].get_text()


def test_output_neuron_only_when_asked():
    assert "gate:y" not in by_gid(draw_lstm_cell())
    assert "gate:y" in by_gid(draw_lstm_cell(show_output=True))
    assert "label:y" in by_gid(draw_lstm_cell(values={"y": 0.6}))
    with pytest.raises(ValueError, match="show_output"):
        draw_lstm_cell(values={"y": 0.6}, show_output=False)


STRONG = {
    "forget": ["gate:f", "symbol:f", "line:f", "label:f", "value:f", "node:mul_f", "line:c_prev",
               "label:c_prev", "line:in_f", "label:h_prev", "label:x"],
    "input": ["gate:i", "gate:c_tilde", "node:mul_i", "node:add", "label:i", "label:c_tilde", "value:i",
              "label:c"],
    "output": ["gate:o", "node:tanh_c", "node:mul_h", "line:h", "label:h", "label:o", "value:o", "gate:y"],
    "memory": ["line:c_prev", "node:mul_f", "line:mem_mid", "node:add", "line:c", "label:c_prev", "label:c"],
}
FADED = {
    "forget": ["gate:i", "gate:c_tilde", "gate:o", "node:add", "node:mul_h", "node:tanh_c", "label:h",
               "label:c", "value:o", "line:o", "gate:y"],
    "input": ["gate:f", "gate:o", "node:mul_f", "node:mul_h", "label:f", "label:h", "value:f", "line:c_prev"],
    "output": ["gate:f", "gate:i", "gate:c_tilde", "node:mul_f", "node:add", "label:c_prev", "label:c",
               "value:f"],
    "memory": ["gate:f", "gate:i", "gate:c_tilde", "gate:o", "label:h_prev", "label:x", "label:h",
               "node:mul_h", "value:f"],
}


@pytest.mark.parametrize("part", ["forget", "input", "output", "memory"])
def test_highlight_keeps_its_part_and_fades_the_rest(part):
    plain = by_gid(draw_lstm_cell(values=ALL_VALUES))
    lit = by_gid(draw_lstm_cell(highlight=part, values=ALL_VALUES))
    for gid in STRONG[part]:
        assert colours(lit[gid]) == colours(plain[gid]), f"{gid} should stay strong in the {part} part"
    for gid in FADED[part]:
        for before, after in zip(colours(plain[gid]), colours(lit[gid])):
            if before[3] == 0 or before[:3] == (1.0, 1.0, 1.0):
                continue  # nothing to wash out (transparent, or a white fill)
            assert after != before, f"{gid} should be faded in the {part} part"
            assert min(after[:3]) >= 0.7, f"{gid} is not washed out: {after}"
            assert all(a >= b for a, b in zip(after[:3], before[:3])), f"{gid}: faded means lighter"
    # every artist is either unchanged or faded, never anything else; the frame never fades
    assert colours(lit["frame"]) == colours(plain["frame"])
    for gid, artist in lit.items():
        if gid in plain:
            for before, after in zip(colours(plain[gid]), colours(artist)):
                assert after == before or all(a >= b for a, b in zip(after[:3], before[:3]))


def test_highlight_cell_fades_nothing():
    plain = by_gid(draw_lstm_cell(values=ALL_VALUES))
    lit = by_gid(draw_lstm_cell(highlight="cell", values=ALL_VALUES))
    for gid, artist in plain.items():
        assert colours(lit[gid]) == colours(artist), gid


def test_deterministic_and_leaves_rcparams_alone():
    before = dict(matplotlib.rcParams)
    images = []
    for _ in range(2):
        ax = draw_lstm_cell(highlight="input", values=ALL_VALUES)
        ax.figure.canvas.draw()
        images.append(np.asarray(ax.figure.canvas.buffer_rgba()).copy())
    np.testing.assert_array_equal(images[0], images[1])
    assert dict(matplotlib.rcParams) == before


def test_title():
    assert draw_lstm_cell().get_title() == "LSTM cell"
    assert draw_lstm_cell(title="").get_title() == ""
    assert draw_lstm_cell(title="Step 3").get_title() == "Step 3"


@pytest.mark.parametrize(("bad", "error"), [("forgot", ValueError), ("Forget", ValueError), ("", ValueError),
                                             (3, TypeError)])
def test_bad_highlight(bad, error):
    with pytest.raises(error, match="^highlight") as err:
        draw_lstm_cell(highlight=bad)
    for allowed in HIGHLIGHTS:
        assert repr(allowed) in str(err.value)


def test_bad_values():
    with pytest.raises(ValueError, match=r"^values key: expected one of 'x', 'h_prev', 'c_prev', 'f', 'i', "
                       r"'c_tilde', 'o', 'c', 'h', 'y', got 'c_t'"):
        draw_lstm_cell(values={"f": 0.5, "c_t": 0.1})
    with pytest.raises(ValueError, match=r"values\['f'\]: expected a finite number, got nan"):
        draw_lstm_cell(values={"f": float("nan")})
    with pytest.raises(ValueError, match=r"values\['o'\]: contains NaN"):
        draw_lstm_cell(values={"o": np.array([np.nan])})
    with pytest.raises(ValueError, match=r"values\['c'\]: expected a finite number, got inf"):
        draw_lstm_cell(values={"c": np.inf})
    with pytest.raises(ValueError, match=r"values\['h'\].*1-element.*\(3,\)"):
        draw_lstm_cell(values={"h": np.zeros(3)})
    with pytest.raises(TypeError, match=r"values\['f'\]"):
        draw_lstm_cell(values={"f": True})
    with pytest.raises(TypeError, match="values: expected a mapping"):
        draw_lstm_cell(values=[0.5])
    # 1-element arrays of any dimension and NumPy scalars are fine
    artists = by_gid(draw_lstm_cell(values={"f": np.array([[0.25]]), "i": np.float32(0.5)}))
    assert artists["value:f"].get_text() == "= 0.25"


# --------------------------------------------------------------------------
# cell_values: the NumPy backend's numbers for one step
# --------------------------------------------------------------------------


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.mark.parametrize("seed", range(5))
def test_cell_values_agree_with_lstm_cell(seed):
    params = random_params(seed)
    rng = np.random.default_rng(100 + seed)
    x, h_prev, c_prev = rng.normal(size=3)
    vals = cell_values(x, h_prev, c_prev, params)
    assert set(vals) == set(VALUE_KEYS) - {"y"}
    assert all(type(v) is float for v in vals.values())
    h, c = lt.lstm_cell(np.array([x]), (np.array([h_prev]), np.array([c_prev])), params)
    assert vals["h"] == pytest.approx(h[0], abs=1e-15) and vals["c"] == pytest.approx(c[0], abs=1e-15)
    # the article's formulas, written out with [h_{t-1}, x_t] in that order
    hx = np.array([h_prev, x])
    f = sigmoid(params.W_f[0] @ hx + params.b_f[0])
    i = sigmoid(params.W_i[0] @ hx + params.b_i[0])
    c_tilde = np.tanh(params.W_c[0] @ hx + params.b_c[0])
    o = sigmoid(params.W_o[0] @ hx + params.b_o[0])
    np.testing.assert_allclose(
        [vals["f"], vals["i"], vals["c_tilde"], vals["o"]], [f, i, c_tilde, o], rtol=1e-12
    )
    np.testing.assert_allclose(vals["c"], f * c_prev + i * c_tilde, rtol=1e-12)
    np.testing.assert_allclose(vals["h"], o * np.tanh(f * c_prev + i * c_tilde), rtol=1e-12)
    assert (vals["x"], vals["h_prev"], vals["c_prev"]) == (x, h_prev, c_prev)
    draw_lstm_cell(highlight="cell", values=vals)  # the intended use


def test_cell_values_with_output_neuron():
    params = random_params(7)
    W_y, b_y = np.array([[1.3]]), np.array([-0.4])
    vals = cell_values(np.array([0.3]), 0.1, -0.6, params, W_y=W_y, b_y=b_y)
    np.testing.assert_allclose(vals["y"], sigmoid(1.3 * vals["h"] - 0.4), rtol=1e-12)
    assert "label:y" in by_gid(draw_lstm_cell(values=vals))
    with pytest.raises(ValueError, match="W_y, b_y"):
        cell_values(0.3, 0.1, -0.6, params, W_y=W_y)


def test_cell_values_rejects_more_than_one_unit():
    with pytest.raises(ValueError, match=r"hidden size 1 and input size 1.*\(2, 4\)"):
        cell_values(np.zeros(2), np.zeros(2), np.zeros(2), lt.init_lstm_params(2, 2))
    with pytest.raises(ValueError, match=r"\(1, 3\)"):
        cell_values(np.zeros(2), 0.0, 0.0, lt.init_lstm_params(2, 1))
    with pytest.raises(ValueError, match=r"x: expected a finite number, got nan"):
        cell_values(float("nan"), 0.0, 0.0, random_params(0))
    with pytest.raises(TypeError, match="params"):
        cell_values(0.0, 0.0, 0.0, (1, 2))


# --------------------------------------------------------------------------
# cell_values_from_gates: the function under the gate sliders
# --------------------------------------------------------------------------


def test_from_gates_special_cases():
    c_prev = 0.123456789
    kept = cell_values_from_gates(c_prev, f=1.0, i=0.0, c_tilde=0.9, o=1.0)
    assert kept["c"] == c_prev  # exactly: the memory passes unchanged
    assert kept["h"] == np.tanh(c_prev)
    wiped = cell_values_from_gates(c_prev, f=0.0, i=0.0, c_tilde=0.9, o=1.0)
    assert wiped["c"] == 0.0 and wiped["h"] == 0.0
    replaced = cell_values_from_gates(c_prev, f=0.0, i=1.0, c_tilde=-0.7, o=0.5)
    assert replaced["c"] == -0.7
    hidden = cell_values_from_gates(c_prev, f=0.6, i=0.4, c_tilde=0.9, o=0.0)
    assert hidden["h"] == 0.0 and hidden["c"] != 0.0  # o=0 hides the memory, does not erase it


def test_from_gates_general_case_and_keys():
    rng = np.random.default_rng(3)
    for _ in range(20):
        c_prev, c_tilde = rng.normal() * 2, rng.uniform(-1, 1)
        f, i, o = rng.uniform(0, 1, 3)
        v = cell_values_from_gates(c_prev, f, i, c_tilde, o)
        np.testing.assert_allclose(v["c"], f * c_prev + i * c_tilde, rtol=1e-14)
        np.testing.assert_allclose(v["h"], o * np.tanh(f * c_prev + i * c_tilde), rtol=1e-14)
    assert set(v) == {"c_prev", "f", "i", "c_tilde", "o", "c", "h"}
    draw_lstm_cell(highlight="forget", values=v)


def test_from_gates_agrees_with_cell_values():
    vals = cell_values(0.4, -0.3, 1.2, random_params(11))
    v = cell_values_from_gates(vals["c_prev"], vals["f"], vals["i"], vals["c_tilde"], vals["o"])
    np.testing.assert_allclose([v["c"], v["h"]], [vals["c"], vals["h"]], rtol=1e-14)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(f=1.2), r"f: expected a number in \[0.0, 1.0\], got 1.2"),
        (dict(i=-0.1), r"i: expected a number in \[0.0, 1.0\]"),
        (dict(o=2.0), r"o: expected a number in \[0.0, 1.0\]"),
        (dict(c_tilde=1.5), r"c_tilde: expected a number in \[-1.0, 1.0\]"),
        (dict(f=float("nan")), "f: expected a finite number, got nan"),
        (dict(c_prev=float("inf")), "c_prev: expected a finite number, got inf"),
    ],
)
def test_from_gates_rejects_impossible_gates(kwargs, match):
    args = dict(c_prev=0.5, f=0.5, i=0.5, c_tilde=0.5, o=0.5) | kwargs
    with pytest.raises(ValueError, match=match):
        cell_values_from_gates(**args)


@pytest.mark.parametrize("v", [-0.999, 0.5])
def test_labels_and_values_do_not_overlap(v):
    """With every value shown at its widest (a minus sign), no text covers another or a shape."""
    ax = draw_lstm_cell(values=dict.fromkeys(VALUE_KEYS, v))
    ax.figure.canvas.draw()  # places the value boxes
    renderer = ax.figure.canvas.get_renderer()
    artists = by_gid(ax)
    texts = {g: a.get_window_extent(renderer) for g, a in artists.items() if g.startswith(("label:", "value:"))}
    for gid, a in artists.items():  # value boxes count with their frame
        if gid.startswith("value:"):
            texts[gid] = a.get_bbox_patch().get_window_extent(renderer)
    shapes = {g: a.get_window_extent(renderer) for g, a in artists.items() if g.startswith(("gate:", "node:"))}
    names = sorted(texts)
    for k, g in enumerate(names):
        for h in names[k + 1:]:
            assert not texts[g].overlaps(texts[h]), f"{g} overlaps {h}"
        for s, box in shapes.items():
            assert not texts[g].overlaps(box), f"{g} overlaps {s}"


# --------------------------------------------------------------------------
# draw_unrolled
# --------------------------------------------------------------------------


def gids(ax: Axes) -> set:
    return {t.get_gid() for t in ax.texts if t.get_gid()}


@pytest.mark.parametrize("T", [1, 3, 8])
def test_unrolled_lstm_has_a_cell_input_output_and_both_states_per_step(T, tmp_path):
    ax = draw_unrolled(T)
    assert isinstance(ax, Axes) and not ax.axison
    expected = {f"cell:{t}" for t in range(1, T + 1)} | {f"x:{t}" for t in range(1, T + 1)}
    expected |= {f"y:{t}" for t in range(1, T + 1)}
    expected |= {f"h:{t}" for t in range(T + 1)} | {f"c:{t}" for t in range(T + 1)}
    assert gids(ax) == expected
    labels = {t.get_gid(): t.get_text() for t in ax.texts}
    assert labels["x:1"] == "$x_{1}$" and labels[f"c:{T}"] == f"$C_{{{T}}}$"
    fig = ax.figure
    fig.savefig(tmp_path / "unrolled.png")
    renderer = fig.canvas.get_renderer()
    for t in ax.texts:  # nothing cut off
        box = t.get_window_extent(renderer)
        assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1, t.get_gid()
        assert fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1, t.get_gid()


def test_unrolled_rnn_has_no_memory_line_and_outputs_are_optional():
    ax = draw_unrolled(2, kind="rnn", outputs=False)
    assert gids(ax) == {"cell:1", "cell:2", "x:1", "x:2", "h:0", "h:1", "h:2"}
    assert "RNN" in {t.get_gid(): t.get_text() for t in ax.texts}["cell:1"]


def test_unrolled_draws_into_the_given_axes():
    fig, ax = plt.subplots()
    assert draw_unrolled(2, ax=ax) is ax


@pytest.mark.parametrize(("T", "error"), [(0, ValueError), (9, ValueError), (2.0, TypeError), (True, TypeError)])
def test_unrolled_rejects_bad_length(T, error):
    with pytest.raises(error, match="^T"):
        draw_unrolled(T)


def test_unrolled_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind.*gru"):
        draw_unrolled(2, kind="gru")
