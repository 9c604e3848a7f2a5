"""Every string a user sees, in one table: zh-CN (the default) and en. IDs, code names and logs stay English."""

from __future__ import annotations

from dashboard.config import Language, get_settings

LANGUAGES: tuple[Language, ...] = ("zh-CN", "en")

TEXT: dict[str, dict[Language, str]] = {
    "app.title": {"zh-CN": "台州市网格化管理指挥中心", "en": "Taizhou Grid Management Command Center"},
    "app.city": {"zh-CN": "台州市", "en": "Taizhou"},
    # pages
    "page.command_wall": {"zh-CN": "指挥大屏", "en": "Command wall"},
    "page.case_trends": {"zh-CN": "案件趋势", "en": "Case trends"},
    "page.solve_rates": {"zh-CN": "破案率", "en": "Solve rates"},
    "page.rental_housing": {"zh-CN": "出租房", "en": "Rental housing"},
    "page.grid": {"zh-CN": "网格", "en": "Grid"},
    "page.monthly_report": {"zh-CN": "月度通报", "en": "Monthly report"},
    "page.wall": {"zh-CN": "大屏模式", "en": "Wall mode"},
    "wall.help": {
        "zh-CN": "用法：/wall?pages=wall,trends,monthly&every=60（可选页面：{pages}；every 为每页停留秒数，10–3600）。",
        "en": "Use /wall?pages=wall,trends,monthly&every=60 (pages: {pages}; every: seconds on each page, 10–3600).",
    },
    "wall.starting": {"zh-CN": "正在进入大屏模式……", "en": "Starting wall mode…"},
    "page.not_found": {"zh-CN": "页面不存在", "en": "Page not found"},
    "about.command_wall": {
        "zh-CN": "全市网格实时态势：案事件、隐患、巡查与核心指标。",
        "en": "The live state of the city's grids: incidents, hazards, patrols and the headline figures.",
    },
    "about.case_trends": {
        "zh-CN": "刑事立案及各类案事件的变化趋势，与去年同期和上一周期对比。",
        "en": "How criminal cases and other incidents change, against last year and the period before.",
    },
    "about.solve_rates": {
        "zh-CN": "刑事案件破案率及其变化（百分点），按区县、乡镇和案件类型。",
        "en": "The solve rate of criminal cases and its change in points, by county, township and subtype.",
    },
    "about.rental_housing": {
        "zh-CN": "出租房内各类案件的数量、占比与同比。",
        "en": "Cases inside rental housing: counts, share and year-over-year change.",
    },
    "about.grid": {
        "zh-CN": "单个网格的人口、网格员、案事件、隐患与巡查。",
        "en": "One grid: its population, worker, incidents, hazards and patrols.",
    },
    "about.monthly_report": {
        "zh-CN": "领导月度通报：本月与去年同月、上月的对比。",
        "en": "The leaders' monthly statistics: the month against the same month last year and the month before.",
    },
    "not_found.body": {
        "zh-CN": "没有这个页面，请从上方导航选择。",
        "en": "There is no such page; choose one from the navigation above.",
    },
    # access
    "area.bad": {
        "zh-CN": "区域参数不正确：应为区县（6位）、乡镇（9位）或网格编号。",
        "en": "area: not a county (6 digits), township (9 digits) or grid code.",
    },
    "area.out_of_scope": {"zh-CN": "该区域不在本账号的权限范围内。", "en": "This area is outside this account's area."},
    "grid.out_of_scope": {
        "zh-CN": "网格 {code} 不在本账号的权限范围内。",
        "en": "Grid {code} is outside this account's area.",
    },
    "role.admin": {"zh-CN": "系统管理员", "en": "Administrator"},
    "role.city_operator": {"zh-CN": "市级值班员", "en": "City operator"},
    "role.county_leader": {"zh-CN": "县级领导", "en": "County leader"},
    "role.township_staff": {"zh-CN": "乡镇工作人员", "en": "Township staff"},
    "role.analyst": {"zh-CN": "分析员", "en": "Analyst"},
    "role.wall_screen": {"zh-CN": "大屏", "en": "Wall screen"},
    # audit log
    "page.audit": {"zh-CN": "审计日志", "en": "Audit log"},
    "about.audit": {
        "zh-CN": "登录、导出、解除脱敏、账号与权限变更的记录；只增不改，哈希链校验任何改动。",
        "en": "Logins, exports, unmasking, account and role changes; append-only, hash-chained against edits.",
    },
    "audit.actor": {"zh-CN": "用户", "en": "User"},
    "audit.actions": {"zh-CN": "类型", "en": "Kinds"},
    "audit.at": {"zh-CN": "时间", "en": "Time"},
    "audit.detail": {"zh-CN": "详情", "en": "Detail"},
    "audit.intact": {
        "zh-CN": "哈希链完整：共 {count} 条，未发现改动。",
        "en": "Chain intact: {count} entries, none altered.",
    },
    "audit.broken": {
        "zh-CN": "哈希链在第 {entry} 条处断裂：该条或其前一条已被改动或删除。",
        "en": "The chain breaks at entry {entry}: it or the one before it was altered or removed.",
    },
    "audit.admins_only": {"zh-CN": "仅系统管理员可查看审计日志。", "en": "Only administrators may read the audit log."},
    "audit.action.login": {"zh-CN": "登录", "en": "Login"},
    "audit.action.login_failed": {"zh-CN": "登录失败", "en": "Failed login"},
    "audit.action.locked_out": {"zh-CN": "账号锁定", "en": "Locked out"},
    "audit.action.logout": {"zh-CN": "退出", "en": "Logout"},
    "audit.action.export": {"zh-CN": "导出", "en": "Export"},
    "audit.action.unmask": {"zh-CN": "解除脱敏", "en": "Unmask"},
    "audit.action.user_created": {"zh-CN": "创建账号", "en": "Account created"},
    "audit.action.user_changed": {"zh-CN": "变更账号", "en": "Account changed"},
    "audit.action.token_issued": {"zh-CN": "签发大屏令牌", "en": "Wall token issued"},
    "audit.action.token_revoked": {"zh-CN": "撤销大屏令牌", "en": "Wall token revoked"},
    # login
    "login.username": {"zh-CN": "用户名", "en": "User name"},
    "login.password": {"zh-CN": "密码", "en": "Password"},
    "login.submit": {"zh-CN": "登录", "en": "Log in"},
    "login.logout": {"zh-CN": "退出", "en": "Log out"},
    "login.wrong": {"zh-CN": "用户名或密码错误。", "en": "Wrong user name or password."},
    "login.locked": {
        "zh-CN": "连续登录失败次数过多，账号已暂时锁定，请15分钟后再试。",
        "en": "Too many failed logins: the account is locked for 15 minutes.",
    },
    "login.disabled": {
        "zh-CN": "该账号已停用，请联系管理员。",
        "en": "This account is disabled; ask an administrator.",
    },
    "login.bad_token": {
        "zh-CN": "大屏登录令牌无效或已撤销。",
        "en": "The wall screen's login token is not valid or was revoked.",
    },
    # headline figures
    "figure.criminal_filed": {"zh-CN": "刑事立案数", "en": "Criminal cases filed"},
    "figure.solve_rate": {"zh-CN": "破案率", "en": "Solve rate"},
    "figure.rental_cases": {"zh-CN": "出租房内案件", "en": "Cases in rental housing"},
    "definition.criminal_filed": {
        "zh-CN": "口径：立案时间在统计期内的刑事案件数（按台州时间）。",
        "en": "Definition: criminal cases whose filing time falls in the period (Taizhou time).",
    },
    "definition.solve_rate": {
        "zh-CN": "口径：统计期内立案的刑事案件中，截至统计时已破案的比例；变化以百分点计。",
        "en": "Definition: the share of criminal cases filed in the period that are solved by now; "
        "its change is in percentage points.",
    },
    "definition.rental_cases": {
        "zh-CN": "口径：发生地为出租房的各类案事件数，按上报时间计。",
        "en": "Definition: incidents of any kind whose place is rental housing, by time reported.",
    },
    "compare.year_over_year": {"zh-CN": "同比", "en": "YoY"},
    "compare.period_over_period": {"zh-CN": "环比", "en": "vs prev."},
    "unit.cases": {"zh-CN": "起", "en": ""},
    "unit.points": {"zh-CN": "个百分点", "en": " pts"},
    "value.none": {"zh-CN": "—", "en": "—"},
    "change.none": {"zh-CN": "无可比数据", "en": "no baseline"},
    "period.year_to_date": {"zh-CN": "{year}年1月1日至{month}月{day}日", "en": "1 Jan – {day} {month_name} {year}"},
    "period.year": {"zh-CN": "{year}年全年", "en": "the year {year}"},
    "period.month": {"zh-CN": "{year}年{month}月", "en": "{month_name} {year}"},
    "period.span": {"zh-CN": "{start} 至 {end}", "en": "{start} – {end}"},
    "period.early_year_note": {
        "zh-CN": "年初数据尚少，此处显示上一完整年度与前一年的对比。",
        "en": "Early in the year there are too few cases: showing the last full year against the year before.",
    },
    "area.city": {"zh-CN": "全市", "en": "Whole city"},
    # grid page
    "grid.none_chosen": {
        "zh-CN": "请在地址中指定网格编号，例如 /grid?code=331004-003-0123。",
        "en": "Name a grid code in the address, e.g. /grid?code=331004-003-0123.",
    },
    "grid.unknown": {"zh-CN": "未找到网格编号“{code}”。", "en": "No grid has the code “{code}”."},
    "grid.bad_code": {
        "zh-CN": "网格编号“{code}”格式不正确，应为“区县代码-乡镇序号-网格序号”，例如 331004-003-0123。",
        "en": "The grid code “{code}” is malformed; it reads county-township-grid, e.g. 331004-003-0123.",
    },
    # status
    "status.unavailable": {
        "zh-CN": "数据库暂不可用，稍后自动重试。",
        "en": "The database is unavailable; retrying automatically.",
    },
    # the command wall
    "map.layer.grids": {"zh-CN": "网格", "en": "Grids"},
    "map.layer.events": {"zh-CN": "案事件与隐患", "en": "Incidents and hazards"},
    "map.layer.patrols": {"zh-CN": "巡查中的网格员", "en": "Workers on patrol"},
    "metric.incidents_today": {"zh-CN": "今日案事件", "en": "Incidents today"},
    "metric.open_hazards": {"zh-CN": "未整改隐患", "en": "Open hazards"},
    "metric.overdue_hazards": {"zh-CN": "超期隐患", "en": "Overdue hazards"},
    "metric.patrol_coverage": {"zh-CN": "今日巡查覆盖", "en": "Patrolled today"},
    "definition.incidents_today": {
        "zh-CN": "口径：今日（台州时间0点起）上报的各类案事件数。",
        "en": "Definition: incidents of every kind reported today (since midnight, Taizhou time).",
    },
    "definition.open_hazards": {
        "zh-CN": "口径：状态为“待整改”或“整改中”的隐患数。",
        "en": "Definition: hazards open or being rectified.",
    },
    "definition.overdue_hazards": {
        "zh-CN": "口径：已过整改期限仍未整改完成的隐患数。",
        "en": "Definition: open hazards past their rectification deadline.",
    },
    "definition.patrol_coverage": {
        "zh-CN": "口径：今日已有巡查记录的网格占全部网格的比例。",
        "en": "Definition: the share of grids with a patrol started today.",
    },
    "legend.none": {"zh-CN": "无", "en": "none"},
    "feed.hazard": {"zh-CN": "隐患", "en": " hazard"},
    "feed.title": {"zh-CN": "实时上报", "en": "Live reports"},
    "feed.empty": {"zh-CN": "等待新的上报……", "en": "Waiting for reports…"},
    "status.stream_down": {
        "zh-CN": "实时数据连接中断（Redis 不可用），正在自动重连……",
        "en": "The live data connection is down (Redis unavailable); reconnecting…",
    },
    "status.updated_at": {"zh-CN": "数据更新于 {time}", "en": "Data updated {time}"},
    # vocabulary: <family>.<code name>
    # subtypes and places
    "subtype.neighbourhood": {"zh-CN": "邻里纠纷", "en": "Neighbourhood"},
    "subtype.marriage_family": {"zh-CN": "婚姻家庭", "en": "Marriage and family"},
    "subtype.wages": {"zh-CN": "劳资纠纷", "en": "Wages"},
    "subtype.land_housing": {"zh-CN": "土地房屋", "en": "Land and housing"},
    "subtype.property_management": {"zh-CN": "物业纠纷", "en": "Property management"},
    "subtype.consumer": {"zh-CN": "消费纠纷", "en": "Consumer"},
    "subtype.traffic_compensation": {"zh-CN": "交通事故赔偿", "en": "Traffic accident compensation"},
    "subtype.group_petition": {"zh-CN": "群体性上访", "en": "Group petition"},
    "subtype.gathering": {"zh-CN": "聚集", "en": "Gathering"},
    "subtype.online_opinion": {"zh-CN": "网络舆情", "en": "Online opinion"},
    "subtype.fire": {"zh-CN": "火灾", "en": "Fire"},
    "subtype.industrial_injury": {"zh-CN": "工伤", "en": "Industrial injury"},
    "subtype.gas": {"zh-CN": "燃气", "en": "Gas"},
    "subtype.road_traffic": {"zh-CN": "道路交通", "en": "Road traffic"},
    "subtype.fishing_vessel": {"zh-CN": "渔船", "en": "Fishing vessel"},
    "subtype.theft": {"zh-CN": "盗窃", "en": "Theft"},
    "subtype.burglary": {"zh-CN": "入室盗窃", "en": "Burglary"},
    "subtype.vehicle_theft": {"zh-CN": "车辆盗窃", "en": "Vehicle theft"},
    "subtype.telecom_fraud": {"zh-CN": "电信网络诈骗", "en": "Telecom and online fraud"},
    "subtype.assault": {"zh-CN": "故意伤害", "en": "Assault"},
    "subtype.robbery": {"zh-CN": "抢劫抢夺", "en": "Robbery"},
    "subtype.drugs": {"zh-CN": "毒品", "en": "Drugs"},
    "subtype.gambling": {"zh-CN": "赌博", "en": "Gambling"},
    "subtype.fraud": {"zh-CN": "诈骗", "en": "Fraud"},
    "subtype.blocked_exit": {"zh-CN": "消防通道堵塞", "en": "Blocked fire exit"},
    "subtype.illegal_wiring": {"zh-CN": "私拉电线", "en": "Illegal wiring"},
    "subtype.ebike_indoor_charging": {"zh-CN": "电动车室内充电", "en": "E-bike charging indoors"},
    "subtype.machine_fault": {"zh-CN": "设备故障", "en": "Machine fault"},
    "subtype.hazardous_chemicals": {"zh-CN": "危化品", "en": "Hazardous chemicals"},
    "subtype.no_permit": {"zh-CN": "无证经营", "en": "No permit"},
    "subtype.unregistered_tenants": {"zh-CN": "出租房未登记", "en": "Unregistered tenants"},
    "subtype.entertainment_venue": {"zh-CN": "娱乐场所", "en": "Entertainment venue"},
    "subtype.illegal_discharge": {"zh-CN": "违法排污", "en": "Illegal discharge"},
    "subtype.burning_waste": {"zh-CN": "焚烧垃圾", "en": "Burning waste"},
    "subtype.unlicensed_kitchen": {"zh-CN": "无证餐饮", "en": "Unlicensed kitchen"},
    "subtype.expired_food": {"zh-CN": "过期食品", "en": "Expired food"},
    "place.rental_housing": {"zh-CN": "出租房", "en": "Rental housing"},
    "place.residence": {"zh-CN": "住宅", "en": "Residence"},
    "place.enterprise": {"zh-CN": "企业", "en": "Enterprise"},
    "place.public_place": {"zh-CN": "公共场所", "en": "Public place"},
    "place.road": {"zh-CN": "道路", "en": "Road"},
    "place.school": {"zh-CN": "学校", "en": "School"},
    "place.shop": {"zh-CN": "商铺", "en": "Shop"},
    "place.fishing_port": {"zh-CN": "渔港", "en": "Fishing port"},
    "place.online": {"zh-CN": "网络", "en": "Online"},
    "place.other": {"zh-CN": "其他", "en": "Other"},
    "kind.dispute": {"zh-CN": "矛盾纠纷", "en": "Disputes"},
    "kind.stability": {"zh-CN": "涉稳事件", "en": "Stability events"},
    "kind.safety_accident": {"zh-CN": "安全生产事故", "en": "Safety accidents"},
    "kind.criminal": {"zh-CN": "刑事案件", "en": "Criminal cases"},
    "category.fire": {"zh-CN": "消防", "en": "Fire"},
    "category.production_safety": {"zh-CN": "安全生产", "en": "Production safety"},
    "category.public_order": {"zh-CN": "治安", "en": "Public order"},
    "category.environment": {"zh-CN": "环境", "en": "Environment"},
    "category.food_safety": {"zh-CN": "食品安全", "en": "Food safety"},
    # drill-downs: filter bar, breadcrumbs, the four pages (issue 7)
    # drill-downs: record tables and map analysis (issue 7)
}

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")  # fmt: skip


def current_language() -> Language:
    return get_settings().language


def t(key: str, lang: Language | None = None, **values: object) -> str:
    """The text for `key` in `lang` (default: the configured language). An unknown key raises KeyError."""
    text = TEXT[key][lang or current_language()]
    return text.format(**values) if values else text
