"""Hostile plan data: any JSON-like tree gives a plan with issues or one clear error, never a crash."""

from hypothesis import given, settings
from hypothesis import strategies as st

from mapgen.core.errors import MapgenError
from mapgen.model.blueprint import load_blueprint
from mapgen.model.plan import plan_from_data
from mapgen.model.view import build_view

BLUEPRINTS = {name: load_blueprint(name) for name in ("map", "saas")}
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(),
                    st.text(max_size=20), st.sampled_from(["2027-01-15", "go_live-6w", "start+3bd",
                                                           "High", "=1+1", "{{ 7*7 }}", "close"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
keys = st.sampled_from(["number", "phase", "description", "deadline", "importance", "status",
                        "name", "role", "milestone", "rank", "x"])
rows = st.lists(st.one_of(st.dictionaries(keys, values, max_size=5), values), max_size=4)
plans = st.fixed_dictionaries({
    "deal": st.one_of(st.dictionaries(st.sampled_from(["name", "buyer", "start", "close",
                                                       "go_live", "extra"]), values, max_size=4),
                      values),
    "sections": st.one_of(st.dictionaries(st.sampled_from(["action_items", "phases",
                                                           "stakeholders", "objective", "odd"]),
                                          rows, max_size=3), values),
})


@settings(max_examples=200, deadline=None)
@given(data=plans, name=st.sampled_from(list(BLUEPRINTS)))
def test_any_plan_data_gives_issues_or_one_clear_error(data, name):
    blueprint = BLUEPRINTS[name]
    try:
        plan = plan_from_data({"blueprint": {"name": name}, **data}, blueprint)
    except MapgenError as exc:
        assert "\n" not in str(exc)
        return
    assert all("\n" not in str(issue) for issue in plan.issues)
    if plan.errors:
        return  # generate refuses such a plan with exit 1, listing the issues
    try:
        build_view(blueprint, plan)
    except MapgenError as exc:
        assert str(exc)
