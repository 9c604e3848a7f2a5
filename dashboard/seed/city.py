"""The city the history happens in: Taizhou's counties, townships and grids (from `geography`), with the facts
that make some grids busier than others: residents, migrants, rental houses, persons of concern, firms (industry),
the coast and the fishing ports.

Per-grid facts are numpy arrays indexed by grid position (grid id = position + 1, the order of `load_grids()`).
Population totals are the article's: 6,000,000 residents and 2,000,000 migrants.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely

from dashboard.data import geography
from dashboard.data.geography import County, Grid, Township

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

RESIDENTS = 6_000_000  # 常住人口 600万
MIGRANTS = 2_000_000  # 流动人口逾200万
MIGRANTS_PER_RENTAL_HOUSE = 10.0  # registered rental houses per migrant, city-wide
KEY_PERSONS_PER_10K = 15.0  # 重点人员
SPECIAL_PERSONS_PER_10K = 40.0  # 特殊人员

# Relative weights per county (GB/T 2260 code): residents (2020 census, 10k people), how many migrants per resident,
# and how industrial the county is (the "low, small, scattered" private manufacturing of Luqiao, Wenling, Yuhuan,
# Huangyan).
COUNTY_FACTS: dict[str, tuple[float, float, float]] = {
    "331002": (82, 1.2, 1.1),  # 椒江区
    "331003": (66, 1.1, 1.3),  # 黄岩区
    "331004": (74, 1.6, 1.5),  # 路桥区
    "331022": (44, 0.5, 0.7),  # 三门县
    "331023": (52, 0.4, 0.7),  # 天台县
    "331024": (44, 0.35, 0.6),  # 仙居县
    "331081": (140, 1.3, 1.5),  # 温岭市
    "331082": (112, 0.8, 1.0),  # 临海市
    "331083": (64, 1.5, 1.5),  # 玉环市
}

# Towns and streets known for their factories: moulds and plastics, pumps and motors, valves, shoes, eyeglasses,
# packaging (新桥镇's carton factories in the article), pharmaceuticals and chemicals.
INDUSTRIAL_TOWNSHIPS = frozenset(
    {
        "三甲街道",
        "洪家街道",
        "前所街道",
        "下陈街道",  # 椒江
        "新前街道",
        "北城街道",
        "江口街道",
        "院桥镇",  # 黄岩
        "新桥镇",
        "峰江街道",
        "横街镇",
        "金清镇",
        "桐屿街道",  # 路桥
        "泽国镇",
        "大溪镇",
        "新河镇",
        "箬横镇",
        "滨海镇",
        "横峰街道",
        "温峤镇",  # 温岭
        "楚门镇",
        "清港镇",
        "芦浦镇",
        "沙门镇",
        "大麦屿街道",  # 玉环
        "杜桥镇",
        "大洋街道",
        "江南街道",
        "汛桥镇",  # 临海
        "平桥镇",
        "始丰街道",  # 天台
        "福应街道",
        "安洲街道",  # 仙居
        "珠岙镇",
        "海润街道",  # 三门
    }
)
INDUSTRIAL_FACTOR = 3.5  # firms per head in an industrial township, against an ordinary town

# The coast: the counties the issue names, and the townships of their fishing harbours (石塘, 松门, 坎门, 健跳, ...).
COASTAL_COUNTIES = frozenset({"331002", "331081", "331083", "331022", "331082"})
PORT_TOWNSHIPS = frozenset(
    {
        "大陈镇",
        "海门街道",
        "前所街道",  # 椒江
        "石塘镇",
        "松门镇",
        "箬横镇",
        "滨海镇",  # 温岭
        "坎门街道",
        "大麦屿街道",
        "鸡山乡",
        "海山乡",
        "干江镇",  # 玉环
        "健跳镇",
        "浦坝港镇",
        "蛇蟠乡",  # 三门
        "上盘镇",
        "桃渚镇",
        "杜桥镇",  # 临海
    }
)
COAST_DEGREES = 0.004  # a grid within ~400 m of the sea-facing outline is on the coast
PORT_GRIDS_PER_COUNTY = 12  # at least this many port grids in each coastal county


@dataclass(frozen=True)
class City:
    """The geography plus per-grid facts. Arrays are indexed by grid position; `grid_id = position + 1`."""

    counties: tuple[County, ...]
    townships: tuple[Township, ...]
    grids: tuple[Grid, ...]
    county_of_grid: IntArray  # index into `counties`
    township_of_grid: IntArray  # index into `townships`
    urban: BoolArray
    area_km2: FloatArray
    residents: IntArray
    migrants: IntArray
    rental_houses: IntArray
    key_persons: IntArray
    special_persons: IntArray
    industry: FloatArray  # relative number of firms (mean 1 over the city)
    coastal: BoolArray  # the grid touches the sea
    port: BoolArray  # a fishing-port grid
    industrial_township: BoolArray  # per township: one of INDUSTRIAL_TOWNSHIPS

    @property
    def grid_ids(self) -> IntArray:
        return np.arange(1, len(self.grids) + 1, dtype=np.int64)

    def grids_in_county(self, county: int) -> IntArray:
        """Grid positions of the county with index `county`."""
        return np.flatnonzero(self.county_of_grid == county)


@dataclass(frozen=True)
class Land:
    """The parts of the city that take no random draw: indices, urban flags, coast and ports, industry base."""

    counties: tuple[County, ...]
    townships: tuple[Township, ...]
    grids: tuple[Grid, ...]
    county_of_grid: IntArray
    township_of_grid: IntArray
    urban: BoolArray
    area_km2: FloatArray
    coastal: BoolArray
    port: BoolArray
    industrial_township: BoolArray


@lru_cache(maxsize=1)
def load_land() -> Land:
    """Geography, indexed, with the coast and the fishing ports located. Cached: it costs about a second."""
    counties, townships, grids = geography.load_counties(), geography.load_townships(), geography.load_grids()
    county_index = {county.code: index for index, county in enumerate(counties)}
    township_index = {township.code: index for index, township in enumerate(townships)}
    coastal = coastal_grids(counties, grids)
    township_of_grid = np.array([township_index[grid.township_code] for grid in grids], dtype=np.int64)
    county_of_grid = np.array([county_index[grid.county_code] for grid in grids], dtype=np.int64)
    return Land(
        counties=counties,
        townships=townships,
        grids=grids,
        county_of_grid=county_of_grid,
        township_of_grid=township_of_grid,
        urban=np.array([grid.urban for grid in grids], dtype=bool),
        area_km2=np.array([grid.area_km2 for grid in grids], dtype=np.float64),
        coastal=coastal,
        port=port_grids(townships, grids, coastal, township_of_grid),
        industrial_township=np.array([township.name in INDUSTRIAL_TOWNSHIPS for township in townships], dtype=bool),
    )


def sea_facing(lon: FloatArray, lat: FloatArray) -> BoolArray:
    """Whether a point on Taizhou's outline faces the sea rather than a neighbouring city.

    The land borders (Ningbo, Shaoxing, Jinhua, Lishui, Wenzhou) run along the north, west and south-west; the East
    China Sea lies east of about 121.52°E, and Yueqing Bay and the open sea south of about 28.30°N.
    """
    return (lon > 121.52) | (lat < 28.30)


def coastal_grids(counties: tuple[County, ...], grids: tuple[Grid, ...]) -> BoolArray:
    """Grids within COAST_DEGREES of the sea-facing outline of the city (islands included)."""
    outline = shapely.union_all([county.geometry for county in counties]).boundary
    points = shapely.get_coordinates(shapely.segmentize(outline, 0.002))
    sea = points[sea_facing(points[:, 0], points[:, 1])]
    tree = shapely.STRtree([grid.geometry for grid in grids])
    _, hits = tree.query(shapely.points(sea), predicate="dwithin", distance=COAST_DEGREES)
    coastal = np.zeros(len(grids), dtype=bool)
    coastal[np.unique(hits)] = True
    return coastal


def port_grids(
    townships: tuple[Township, ...], grids: tuple[Grid, ...], coastal: BoolArray, township_of_grid: IntArray
) -> BoolArray:
    """Coastal grids of the fishing-harbour townships; where a county has too few, its coastal grids nearest
    to those townships join them, so every coastal county has its ports."""
    port = np.zeros(len(grids), dtype=bool)
    harbour = np.array([townships[index].name in PORT_TOWNSHIPS for index in township_of_grid], dtype=bool)
    port[harbour & coastal] = True
    lon = np.array([grid.centroid_lon for grid in grids])
    lat = np.array([grid.centroid_lat for grid in grids])
    for county in sorted(COASTAL_COUNTIES):
        in_county = np.array([grid.county_code == county for grid in grids], dtype=bool)
        missing = PORT_GRIDS_PER_COUNTY - int((port & in_county).sum())
        candidates = np.flatnonzero(in_county & coastal & ~port)
        if missing <= 0 or len(candidates) == 0:
            continue
        anchors = np.flatnonzero(in_county & harbour)
        anchors = anchors if len(anchors) else np.flatnonzero(in_county)
        distance = np.min(
            np.hypot(lon[candidates, None] - lon[anchors][None, :], lat[candidates, None] - lat[anchors][None, :]),
            axis=1,
        )
        port[candidates[np.argsort(distance, kind="stable")[:missing]]] = True
    return port


def build_city(rng: np.random.Generator, *, registry_scale: float = 1.0) -> City:
    """The city with its population drawn: residents and migrants (urban grids denser), rental houses where the
    migrants are, persons of concern, and firms. `registry_scale` shrinks the registries (not the population)."""
    land = load_land()
    n = len(land.grids)
    county_codes = [county.code for county in land.counties]
    people, migrant_rate, industry_rate = (np.array([COUNTY_FACTS[code][k] for code in county_codes]) for k in range(3))
    noise = rng.lognormal(0.0, 0.35, n)
    industrial = land.industrial_township[land.township_of_grid]
    town_kind = np.array([land.townships[index].kind for index in land.township_of_grid])
    kind_factor = np.select([town_kind == "street", town_kind == "town"], [1.0, 1.0], default=0.35)
    industry = (
        industry_rate[land.county_of_grid]
        * np.where(industrial, INDUSTRIAL_FACTOR, 1.0)
        * kind_factor
        * np.where(land.urban, 0.6, 1.0)
        * rng.lognormal(0.0, 0.5, n)
    )
    industry = industry / industry.mean()

    resident_weight = np.where(land.urban, 1.3, 1.0) * noise
    residents = _allocate_by_county(RESIDENTS, people, land.county_of_grid, resident_weight)
    migrant_weight = resident_weight * np.where(land.urban, 1.6, 1.0) * (0.5 + industry) * rng.lognormal(0.0, 0.3, n)
    migrants = _allocate_by_county(MIGRANTS, people * migrant_rate, land.county_of_grid, migrant_weight)
    houses = rng.poisson(registry_scale * (migrants / MIGRANTS_PER_RENTAL_HOUSE) * rng.lognormal(0.0, 0.25, n))
    key = rng.poisson(registry_scale * residents * KEY_PERSONS_PER_10K / 10_000)
    special = rng.poisson(registry_scale * residents * SPECIAL_PERSONS_PER_10K / 10_000)
    return City(
        counties=land.counties,
        townships=land.townships,
        grids=land.grids,
        county_of_grid=land.county_of_grid,
        township_of_grid=land.township_of_grid,
        urban=land.urban,
        area_km2=land.area_km2,
        residents=residents,
        migrants=migrants,
        rental_houses=houses.astype(np.int64),
        key_persons=key.astype(np.int64),
        special_persons=special.astype(np.int64),
        industry=industry,
        coastal=land.coastal,
        port=land.port,
        industrial_township=land.industrial_township,
    )


def _allocate_by_county(
    total: int, county_weight: FloatArray, county_of_grid: IntArray, grid_weight: FloatArray
) -> IntArray:
    """Split `total` over counties by `county_weight`, then over each county's grids by `grid_weight`, in whole
    numbers that add up exactly (largest remainders)."""
    per_county = largest_remainder(total, county_weight)
    result = np.zeros(len(county_of_grid), dtype=np.int64)
    for county, amount in enumerate(per_county):
        members = np.flatnonzero(county_of_grid == county)
        result[members] = largest_remainder(int(amount), grid_weight[members])
    return result


def largest_remainder(total: int, weights: FloatArray) -> IntArray:
    """Whole numbers proportional to `weights` that add up to `total` exactly."""
    share = total * np.asarray(weights, dtype=np.float64) / float(np.sum(weights))
    whole = np.floor(share).astype(np.int64)
    short = total - int(whole.sum())
    if short > 0:
        whole[np.argsort(-(share - whole), kind="stable")[:short]] += 1
    return whole
