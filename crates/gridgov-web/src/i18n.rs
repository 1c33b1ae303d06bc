//! Interface language: Chinese by default, English on request (a cookie set by `/lang/{zh|en}`).
//! Every label is defined once with both translations side by side, so neither can be missed.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub const COOKIE: &'static str = "gg_lang";

    pub fn from_cookie(v: Option<&str>) -> Lang {
        match v {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// The labels of the incident pages.
    pub fn incident_texts(self) -> &'static IncidentTexts {
        match self {
            Lang::Zh => &INCIDENT_ZH,
            Lang::En => &INCIDENT_EN,
        }
    }

    /// The labels of supervision: the desk, the card page, the incident page's section.
    pub fn supervision_texts(self) -> &'static SupervisionTexts {
        match self {
            Lang::Zh => &SUPERVISION_ZH,
            Lang::En => &SUPERVISION_EN,
        }
    }

    /// The labels of the settings pages.
    pub fn settings_texts(self) -> &'static SettingsTexts {
        match self {
            Lang::Zh => &SETTINGS_ZH,
            Lang::En => &SETTINGS_EN,
        }
    }

    /// Picks the message of a bilingual pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> (&'static str, &'static str) {
        match self {
            Lang::Zh => ("en", "English"),
            Lang::En => ("zh", "中文"),
        }
    }
}

macro_rules! texts {
    ($name:ident, $zh_name:ident, $en_name:ident; $($key:ident: $zh:expr, $en:expr;)*) => {
        /// Labels of the interface, in both languages.
        pub struct $name { $(pub $key: &'static str,)* }
        pub static $zh_name: $name = $name { $($key: $zh,)* };
        pub static $en_name: $name = $name { $($key: $en,)* };
    };
}

texts! { Texts, ZH, EN;
    app_name: "网格化社会治理平台", "Grid Governance Platform";
    nav_home: "工作台", "Home";
    nav_regions: "行政区划", "Regions";
    nav_users: "用户管理", "Users";
    nav_audit: "审计日志", "Audit trail";
    nav_jobs: "后台任务", "Background jobs";
    jobs_all: "全部", "All";
    jobs_failure_list: "失败清单", "Failure list";
    job_kind: "类型", "Kind";
    job_state: "状态", "State";
    job_attempts: "尝试次数", "Attempts";
    job_node: "节点", "Node";
    job_run_at: "计划时间", "Due";
    job_last_error: "最近错误", "Last error";
    job_retry: "重试", "Retry";
    job_retried: "已重新排队", "Queued again";
    nav_account: "我的账号", "My account";
    nav_inbox: "通知", "Notices";
    inbox_unread: "未读", "unread";
    inbox_mark_read: "标为已读", "Mark read";
    inbox_mark_all_read: "全部标为已读", "Mark all read";
    inbox_read: "已读", "Read";
    inbox_empty: "暂无通知。", "No notices.";
    inbox_older: "更早的通知", "Older notices";
    nav_dead_letters: "通知发送失败", "Undelivered notices";
    dead_channel: "渠道", "Channel";
    dead_target: "发送对象", "To";
    dead_notice: "通知", "Notice";
    dead_resend: "重新发送", "Resend";
    dead_resent: "已重新排队发送", "Queued to send again";
    logout: "退出登录", "Log out";
    login_title: "登录", "Log in";
    login_subtitle: "网格化社会治理平台 · 综治中心 / 网格员 / 联动部门", "Grid governance platform · centers, grid workers, departments";
    username: "用户名", "Username";
    password: "密码", "Password";
    login_button: "登录", "Log in";
    session_expired: "会话已过期，请重新登录。", "Your session has expired; please log in again.";
    logged_out: "您已安全退出。", "You have logged out.";
    whole_country: "全国", "Whole country";
    scope: "数据范围", "Scope";
    role: "角色", "Role";
    display_name: "姓名", "Name";
    status: "状态", "Status";
    enabled: "正常", "Active";
    disabled: "已停用", "Disabled";
    code: "代码", "Code";
    name: "名称", "Name";
    level: "级别", "Level";
    children: "下级数量", "Children";
    no_children: "没有下级区划。", "No regions below this one.";
    welcome: "欢迎，", "Welcome, ";
    overview: "概览", "Overview";
    recent_activity: "最近操作", "Recent activity";
    search: "搜索", "Search";
    new_user: "新建用户", "New user";
    edit_user: "编辑用户", "Edit user";
    save: "保存", "Save";
    cancel: "取消", "Cancel";
    create: "创建", "Create";
    disable: "停用", "Disable";
    enable: "启用", "Enable";
    reset_password: "重置密码", "Reset password";
    new_password: "新密码", "New password";
    current_password: "当前密码", "Current password";
    change_password: "修改密码", "Change password";
    scope_hint: "填写区划代码，如 420200（黄石市）；留空表示全国", "A region code such as 420200 (Huangshi); empty for the whole country";
    password_hint: "至少8位，含字母、数字、符号中的两类", "At least 8 characters mixing two of letters, digits, symbols";
    saved: "已保存。", "Saved.";
    user_created: "用户已创建。", "User created.";
    password_changed: "密码已修改，您的 API 令牌已全部吊销，请重新登录。", "Password changed and your API tokens revoked; please log in again.";
    change_password_ends: "修改密码后，您的所有会话都将结束，所有 API 令牌都将被吊销。", "Changing the password ends all your sessions and revokes all your API tokens.";
    reset_password_ends: "重置密码后，该用户的所有会话都将结束，所有 API 令牌都将被吊销。", "Resetting the password ends all of this user's sessions and revokes all their API tokens.";
    api_tokens: "API 令牌", "API tokens";
    token_name: "令牌名称", "Token name";
    valid_days: "有效天数", "Valid days";
    new_token: "生成令牌", "Create token";
    token_once: "请立即复制此令牌，它只显示这一次：", "Copy this token now; it is shown only once:";
    revoke: "吊销", "Revoke";
    revoked: "已吊销", "Revoked";
    created_at: "创建时间", "Created";
    last_used: "最近使用", "Last used";
    expires: "到期", "Expires";
    never: "从不", "Never";
    time: "时间", "Time";
    actor: "操作人", "Actor";
    action: "操作", "Action";
    resource: "对象", "Resource";
    details: "详情", "Details";
    no_records: "暂无记录。", "No records.";
    error_title: "出错了", "Something went wrong";
    back_home: "返回工作台", "Back to home";
    request_id: "请求编号", "Request id";
    fix_fields: "请修改以下内容：", "Please correct the following:";
    level_1: "省", "Province";
    level_2: "市", "City";
    level_3: "县区", "County";
    level_4: "乡镇街道", "Township";
    level_5: "村社区", "Village/community";
    gb_code: "国标代码", "GB/T 2260 code";
    source: "数据来源", "Source";
    prev_page: "上一页", "Previous";
    next_page: "下一页", "Next";
    skip_to_content: "跳到正文", "Skip to content";
    // Grids.
    nav_grids: "网格", "Grids";
    grid_code: "网格编码", "Grid code";
    grid_name: "网格名称", "Grid name";
    village: "所属村/社区", "Village/community";
    kind: "类型", "Kind";
    kind_comprehensive: "全科网格", "Comprehensive";
    kind_special: "专属网格", "Special";
    households: "户数", "Households";
    household_target: "目标户数", "Household target";
    household_hint: "城镇网格一般 300–500 户，超出范围会标记提示", "Town grids usually hold 300–500 households; others are flagged";
    staffing: "人员配备", "Staffing";
    staffing_none: "未配备", "None";
    staffing_partial: "部分配备", "Partial";
    staffing_full: "配齐", "Full";
    police_officer: "社区民警", "Police officer";
    party_branch: "党支部", "Party branch";
    station_address: "服务站地址", "Service station address";
    sizing: "规模", "Sizing";
    sizing_any: "全部规模", "Any size";
    sizing_low: "少于规定户数", "Below the household band";
    sizing_ok: "规定户数内", "Within the household band";
    sizing_high: "多于规定户数", "Above the household band";
    flag_low: "偏少", "few";
    flag_high: "偏多", "many";
    unpaired_only: "仅未结对", "Unpaired only";
    include_retired: "含已撤销", "Include retired";
    retired: "已撤销", "Retired";
    filter: "筛选", "Filter";
    select: "选择", "Select";
    no_grids: "暂无网格。", "No grids.";
    count_grids: "网格", "Grids";
    count_with_boundary: "已绘边界", "With boundary";
    count_unpaired: "未结对民警", "Without police";
    count_unstaffed: "未配人员", "Unstaffed";
    count_below: "户数偏少", "Below 300";
    count_above: "户数偏多", "Above 500";
    count_households: "总户数", "Households";
    new_grid: "新建网格", "New grid";
    edit_grid: "编辑网格", "Edit grid";
    grid_list: "网格列表", "Grid list";
    grid_map: "网格地图", "Grid map";
    export_geojson: "导出 GeoJSON", "Export GeoJSON";
    import_boundaries: "导入边界", "Import boundaries";
    back_to_list: "返回网格列表", "Back to the grids";
    village_code: "村/社区代码", "Village/community code";
    village_code_hint: "网格设在村/社区之下，如 420202001001", "Grids belong under a village/community, e.g. 420202001001";
    grid_code_hint: "字母、数字或连字符，本村/社区内唯一；创建后不可修改", "Letters, digits or '-', unique in the village; fixed once created";
    grid_created: "网格已创建。", "Grid created.";
    grid_retired: "网格已撤销。", "Grid retired.";
    grid_split_done: "网格已拆分，新网格见下方沿革。", "Grid split; its parts are listed under lineage.";
    grid_merged_done: "网格已合并，原网格见下方沿革。", "Grids merged; the old grids are listed under lineage.";
    merge_grids: "合并网格", "Merge grids";
    merge_hint: "在上表勾选同一村/社区的两个或更多网格，合并为一个新网格", "Tick two or more grids of one village above to merge them into a new grid";
    new_code: "新网格编码", "New grid code";
    new_name: "新网格名称", "New grid name";
    merge: "合并", "Merge";
    one_per_village: "一村一格", "One grid per village";
    one_per_village_hint: "为下辖尚无网格的每个村/社区建一个网格（编码 01），有村界的沿用村界", "Creates one grid (code 01) for each village below that has none, on the village boundary where known";
    grids_created: "新建网格", "grids created:";
    villages_skipped: "已有网格而跳过的村/社区", "villages skipped (they had grids):";
    attributes: "基本信息", "Details";
    area: "面积", "Area";
    no_boundary: "尚未绘制边界", "No boundary drawn";
    valid_from: "启用时间", "In use since";
    retired_at: "撤销时间", "Retired";
    other_grids: "本村/社区其他网格", "Other grids of the village";
    public_card: "公示牌", "Public card";
    staff: "网格人员", "Staff";
    duty: "职责", "Duty";
    phone: "电话", "Phone";
    since: "任职时间", "Since";
    add_staff: "添加人员", "Add";
    remove: "移除", "Remove";
    police_pairing: "警格结对", "Police pairing";
    paired: "已结对", "Paired";
    unpaired: "未结对", "Unpaired";
    not_paired: "尚未结对", "Not paired";
    claim_grid: "认领此网格", "Claim this grid";
    officer_username: "民警用户名", "Officer's username";
    pair_officer: "结对", "Pair";
    unpair: "解除结对", "Unpair";
    lineage: "沿革", "Lineage";
    split_from: "拆分自", "Split from";
    split_into: "拆分为", "Split into";
    merged_from: "合并自", "Merged from";
    merged_into: "合并入", "Merged into";
    retire_grid: "撤销网格", "Retire grid";
    retire_reason: "撤销原因", "Reason";
    retire_hint: "撤销后网格退出现行网格，历史记录仍可查询", "A retired grid leaves the current network; its history stays readable";
    split_grid: "按图拆分", "Split by drawing";
    split_hint: "粘贴各部分的 GeoJSON FeatureCollection（属性 code、name，可选 household_target），各部分须恰好拼成本网格", "Paste a GeoJSON FeatureCollection of the parts (properties code, name, optional household_target); together they must cover this grid exactly";
    split: "拆分", "Split";
    geojson: "GeoJSON", "GeoJSON";
    geojson_file: "GeoJSON 文件", "GeoJSON file";
    file_hint: "选择文件后内容会填入下方文本框，也可直接粘贴", "Choosing a file fills the box below; you may also paste";
    crs: "坐标系", "Coordinate system";
    crs_wgs84: "WGS84（GPS、天地图）", "WGS84 (GPS, Tianditu)";
    crs_gcj02: "GCJ-02（高德、腾讯地图）", "GCJ-02 (Amap, Tencent maps)";
    allow_gaps: "允许留有空隙（网格尚未铺满村/社区）", "Allow gaps (the grids do not yet cover the whole village)";
    import: "导入", "Import";
    import_hint: "每个要素须有属性 region（村/社区代码）和 code；新网格另需 name 和 household_target", "Each feature needs properties region (village code) and code; new grids also need name and household_target";
    import_limit: "网页导入的表单上限为", "Imports from this page are limited to forms of";
    import_limit_more: "（约为其三分之二大小的 GeoJSON）；更大的文件请用 API（POST /api/v1/grids/boundaries）或命令行 gridgov import grids。", " (GeoJSON of about two thirds of that); send larger files to the API (POST /api/v1/grids/boundaries) or use the command line, gridgov import grids.";
    file_too_big: "文件过大，无法从网页导入，请改用 API 或命令行。", "The file is too large to import from this page; use the API or the command line.";
    import_rejected: "文件有错误，未做任何更改。错误数：", "The file has errors; nothing was changed. Faults:";
    import_done: "导入完成。", "Import done.";
    feature_no: "要素序号", "Feature";
    field: "字段", "Field";
    value: "值", "Value";
    reason: "原因", "Reason";
    whole_file: "整个文件", "whole file";
    features: "要素", "Features";
    created: "新建", "Created";
    updated: "更新", "Updated";
    villages: "村/社区", "Villages";
    gaps_accepted: "已接受的空隙", "Gaps accepted";
    layer: "图层", "Layer";
    layer_kind: "类型", "Kind";
    layer_staffing: "人员配备", "Staffing";
    layer_pairing: "警格结对", "Police pairing";
    layer_sizing: "规模", "Sizing";
    layer_lights: "时限红黄绿灯", "Deadline lights";
    lights_none: "无在办时限", "No running deadline";
    lights_green: "绿灯：时限内", "Green: within the limit";
    lights_yellow: "黄灯：时限将至", "Yellow: due soon";
    lights_red: "红灯：已超期", "Red: overdue";
    lights_paused: "仅有挂起", "Suspended only";
    map_hint: "拖动平移，滚轮或按钮缩放，点击网格查看详情", "Drag to pan, wheel or buttons to zoom, click a grid to open it";
    zoom_in: "放大", "Zoom in";
    zoom_out: "缩小", "Zoom out";
    zoom_reset: "复位", "Reset";
    not_drawn: " 个网格尚未绘制边界，未在图中显示", " grids have no boundary and are not drawn";
    too_many_grids: "网格太多，无法在一张图中显示，请选择下级区划", "Too many grids for one map; choose a region below";
    choose_region: "选择区划", "Choose a region";
    sub_regions: "下级区划", "Regions below";
    micro_grids: "微网格", "Micro-grids";
    micro_code: "微网格编码", "Micro-grid code";
    buildings: "楼栋", "Buildings";
    buildings_hint: "如 3、4、5 栋", "e.g. blocks 3, 4 and 5";
    add_micro_grid: "添加微网格", "Add micro-grid";
    card_qr: "公示牌二维码", "Public card QR code";
    card_qr_hint: "扫码即可查看本网格公示牌，无需登录；可打印张贴在服务站", "Scanning it opens the grid's public card, no login needed; print it for the service station";
    print_qr: "打印二维码", "Print QR code";
    scan_card: "扫码查看网格公示牌", "Scan to open this grid's card";
    card_title: "网格公示牌", "Grid service card";
    card_contact: "网格服务人员", "Who serves this grid";
    print: "打印", "Print";
    // Base data (people, houses, buildings, the five elements) and their import.
    nav_people: "人口", "People";
    base_data: "基础数据", "Base data";
    person_name: "姓名", "Name";
    gender: "性别", "Gender";
    birth_date: "出生日期", "Birth date";
    id_card_no: "身份证号", "ID number";
    ethnicity: "民族", "Ethnic group";
    residence_type: "人口类型", "Residence type";
    registered_address: "户籍地址", "Registered address";
    tags: "标签", "Tags";
    person_search_hint: "身份证号、电话或姓名", "ID number, phone or name";
    person_search_help: "身份证号和电话须完整输入（精确查找）；姓名按开头查找。结果中的号码均已脱敏。", "Type a full ID number or phone (exact match), or the beginning of a name. Numbers in the results are masked.";
    read_as_id_card: "按身份证号查找", "Searched by ID number";
    read_as_phone: "按电话查找", "Searched by phone";
    read_as_name: "按姓名查找", "Searched by name";
    no_persons_found: "范围内没有找到符合条件的人员。", "Nobody inside your scope matches.";
    export_masked: "导出（脱敏）", "Export (masked)";
    show_full_number: "查看完整号码", "Show full number";
    unmask_hint: "查看完整号码须写明原因，查看人、时间和原因都会被记录。", "A full number needs a reason; who looked, when and why are logged.";
    which_number: "号码", "Number";
    unmask_reason: "查看原因", "Reason";
    shown_once: "完整号码仅显示这一次，请勿截屏外传：", "The full number is shown this once; do not pass it on:";
    houses: "房屋", "Houses";
    building: "楼栋", "Building";
    building_code: "楼栋编码", "Building code";
    building_head: "楼栋长", "Building head";
    floors: "层数", "Floors";
    units: "单元数", "Units";
    unit: "单元", "Unit";
    house_number: "门牌号", "Number";
    house_use: "房屋用途", "Use";
    relation: "与户主关系", "Relation";
    living_since: "居住起始", "Living here since";
    residents: "居住人员", "Residents";
    address: "地址", "Address";
    organizations: "组织", "Organizations";
    credit_code: "统一社会信用代码", "Credit code";
    contact: "联系人", "Contact";
    places: "场所", "Places";
    cameras: "视频点位", "Cameras";
    location: "位置", "Location";
    collection_forms: "采集表单", "Collection forms";
    form_outdated: "旧版本", "older version";
    provenance: "数据来源", "Provenance";
    no_import_batch: "该记录不是批量导入的。", "This record was not bulk-imported.";
    file_name: "文件", "File";
    history: "变更记录", "History";
    population_counts: "人口统计", "Population counts";
    population: "人口", "Population";
    floating: "流动人口", "Floating";
    floating_share: "流动人口占比", "Floating share";
    household_rule: "户：有登记居住人员、或自住、出租的房屋；网格有房屋记录后按实有户数提示规模", "A household is a house with a resident recorded, or used by its owner or a tenant; grids with houses recorded are sized by these counts";
    base_import: "批量导入", "Bulk import";
    base_import_hint: "选择数据类别并上传 CSV 或 XLSX 文件；表头可用模板中的中文列名或英文键名。", "Choose what the file holds and upload a CSV or XLSX file; headers may be the template's Chinese names or English keys.";
    base_import_limit: "网页上传的文件上限为", "Files uploaded here are limited to";
    data_kind: "数据类别", "Kind of data";
    data_file: "数据文件（CSV / XLSX）", "Data file (CSV / XLSX)";
    source_hint: "如 户籍、社区摸排、卫健局", "e.g. household registration, community survey";
    accept_valid: "有错误时仍导入正确的行（默认整个文件不导入）", "Import the valid rows even if some are wrong (by default one fault rejects the file)";
    templates: "导入模板", "Templates";
    templates_hint: "下载模板，按示例行填写后上传。", "Download a template, fill it in like its example row, and upload it.";
    import_starting: "正在准备导入…", "Getting ready…";
    import_reading: "正在读取和校验…", "Reading and checking…";
    import_written: "已写入行数：", "Rows written:";
    import_indexing: "正在建立索引…", "Building indexes…";
    import_committing: "正在提交…", "Committing…";
    import_wait: "导入在后台进行，可以离开本页，稍后在此地址查看结果。", "The import runs in the background; you may leave and come back to this address.";
    import_refused: "文件有错误，未写入任何数据。请按下表或报告修改后重新导入。", "The file has faults and nothing was written. Fix the rows listed below or in the report, then import again.";
    rows_read: "读取行数", "Rows read";
    unchanged: "无变化", "Unchanged";
    rejected: "拒绝", "Rejected";
    warnings: "提示", "Warnings";
    faults: "错误与提示", "Faults and warnings";
    row: "行号", "Row";
    warning: "提示", "warning";
    more_in_report: "其余见报告文件，未列出的条数：", "More in the report file; not listed here:";
    download_report: "下载逐行报告（CSV）", "Download the row report (CSV)";
    import_another: "继续导入", "Import another file";
    // Verification tasks (认领核对).
    nav_verify: "核对", "Verification";
    verify_title: "认领核对", "Verification tasks";
    verify_hint: "比对发现的差异按网格分派：认领一条，实地核实后决定以哪一方为准。", "Differences found by comparing sources go to their grid: claim one, check on the ground, then decide which side is right.";
    task_open: "待认领", "Open";
    task_mine: "我认领的", "Claimed by me";
    task_claimed: "已认领", "Claimed";
    task_resolved: "已处理", "Resolved";
    task_differs: "信息不一致", "Differs";
    task_missing_in_records: "台账缺失", "Missing in records";
    task_missing_in_source: "来源缺失", "Missing in source";
    task: "核对任务", "Task";
    differences: "差异", "Differences";
    record_side: "台账", "Record";
    source_side: "来源", "Source";
    differs: "不一致", "differs";
    claimer: "认领人", "Claimed by";
    claim_task: "认领", "Claim";
    release_task: "放弃认领", "Release";
    decision: "处理结果", "Decision";
    keep_record: "以台账为准", "Keep record";
    take_source: "以来源为准", "Take source";
    correct_record: "按实地核实更正", "Correct";
    correct_hint: "更正时只填写需要改的项，空项保留台账原值。", "When correcting, fill only what changes; empty fields keep the record's value.";
    note: "备注", "Note";
    submit: "提交", "Submit";
    no_tasks: "没有核对任务。", "No verification tasks.";
    // Linked departments and the incident category tree.
    nav_departments: "部门", "Departments";
    nav_categories: "事件分类", "Categories";
    new_department: "新建部门", "New department";
    edit_department: "编辑部门", "Edit department";
    department_name: "部门名称", "Department name";
    sector: "行业", "Sector";
    all_sectors: "全部行业", "All sectors";
    region_served: "服务区划", "Region served";
    region_served_hint: "区划代码，如 420202（黄石港区）；部门服务该区划及其下级，设在乡镇（街道）及以上", "A region code such as 420202; the department serves it and all below, township or higher";
    duty_phone: "值班电话", "Duty phone";
    handlers: "办理人", "Handlers";
    add_handler: "添加办理人", "Add handler";
    handler_hint: "部门办理人角色的用户名，其数据范围须覆盖本部门服务区划", "Username of a department handler whose scope covers the region served";
    include_inactive: "含已停用", "Include deactivated";
    my_department: "您所在部门：", "Your department: ";
    department_created: "部门已创建。", "Department created.";
    no_departments: "暂无为您所在区域服务的部门。", "No department serves your area yet.";
    department_above: "上级区划的部门，由上级综治中心维护。", "A department of a higher region, kept by that region's center.";
    departments_hint: "列出您范围内的部门，以及上级区划中为您所在区域服务的部门。", "Departments inside your scope, and those of higher regions that serve your area.";
    new_category: "新建分类", "New category";
    edit_category: "编辑分类", "Edit category";
    category_code: "分类代码", "Code";
    category_code_hint: "每级两位数字，下级代码以上级代码开头，最多三级，如 0302、030202", "Two digits per level, a child's beginning with its parent's, at most three levels: 0302, 030202";
    parent_category: "上级分类", "Parent";
    parent_hint: "留空则由代码推定", "Empty: implied by the code";
    name_en: "英文名称", "English name";
    default_grade: "默认等级", "Default grade";
    usual_sectors: "常见承办行业", "Usual sectors";
    evidence_required: "结案须附证据", "Evidence to close";
    evidence_hint: "如整改后的照片、调解结果、书面答复", "e.g. a photo after the fix, the mediation result, the written reply";
    max_extension_days: "最长延期（工作日）", "Longest extension (working days)";
    max_extension_hint: "一项任务累计可延期的工作日数，留空为 10", "Working days a task may be extended by in all; empty for 10";
    public_category: "群众可选", "Open to citizens";
    sort_order: "排序", "Order";
    sort_order_hint: "留空按代码末两位排序", "Empty: by the code's last two digits";
    in_use: "使用中", "In use";
    parent_inactive: "上级已停用", "Parent deactivated";
    category_created: "分类已创建。", "Category created.";
    categories_hint: "全系统统一的事件分类，上报事件时选用；停用的分类及其下级不再供新上报使用。", "One tree for the whole system, chosen when a matter is reported; a deactivated category and those below it are offered to no new report.";
    fixed_once_made: "代码及上级创建后不可更改（事件保留原分类代码）", "Code and parent are fixed once made (incidents keep the code)";
    yes: "是", "Yes";
    no: "否", "No";
}

impl Texts {
    pub fn level(&self, level: i64) -> &'static str {
        match level {
            1 => self.level_1,
            2 => self.level_2,
            3 => self.level_3,
            4 => self.level_4,
            _ => self.level_5,
        }
    }
}

// The incident pages: work lists, the report form and an incident's page. Their own set, so the
// loop's many labels sit together.
texts! { IncidentTexts, INCIDENT_ZH, INCIDENT_EN;
    due_at: "办理期限", "Due";
    nav_incidents: "事件", "Incidents";
    incidents_title: "事件工作台", "Incidents";
    list_all: "全部", "All";
    list_mine: "我的任务", "My tasks";
    list_awaiting_acceptance: "待受理", "Awaiting acceptance";
    list_awaiting_dispatch: "待派遣", "Awaiting dispatch";
    list_in_progress: "办理中", "In progress";
    list_awaiting_review: "待审核", "Awaiting review";
    list_returned: "被退回", "Returned";
    list_whistles: "吹哨报到", "Whistle summons";
    list_closed: "已结案", "Closed";
    number: "事件编号", "Number";
    title: "标题", "Title";
    description: "事件描述", "Description";
    category: "事件分类", "Category";
    grade: "等级", "Grade";
    state: "状态", "State";
    source: "来源", "Source";
    grid: "网格", "Grid";
    region: "区划代码", "Region code";
    department: "部门", "Department";
    resolution_level: "化解层级", "Resolution level";
    reported_at: "上报时间", "Reported";
    reported_from: "上报自", "Reported from";
    reported_until: "上报至", "Reported until";
    occurred_at: "发生时间", "Occurred";
    reporter: "上报人", "Reporter";
    any: "不限", "Any";
    total: "共", "Total";
    total_unit: "件", "";
    export_csv: "导出 CSV", "Export CSV";
    export_xlsx: "导出 Excel", "Export Excel";
    no_incidents: "没有符合条件的事件。", "No incidents match.";
    first_page: "回到第一页", "First page";
    report_incident: "上报事件", "Report an incident";
    report_hint: "选择网格，或在地图上点出位置；两者都给时以所选网格为准。", "Choose a grid, or click the place on the map; when both are given the grid chosen counts.";
    default_grade_hint: "留空：取分类的默认等级", "Empty: the category's default grade";
    default_source_hint: "留空：按您的角色推定", "Empty: from your role";
    choose: "请选择", "Choose";
    choose_grid: "所在网格", "Grid";
    map_pick: "在地图上点选位置", "Click the place on the map";
    map_pick_hint: "点击地图填入经纬度（WGS84）；不用地图时请选择网格。", "A click fills in longitude and latitude (WGS84); without the map, choose a grid.";
    lng: "经度", "Longitude";
    lat: "纬度", "Latitude";
    address: "地址", "Address";
    parties: "当事人", "Parties";
    parties_hint: "填写身份证号（在您的范围内查找实有人口）或姓名。", "An ID number (looked up among the residents in your scope) or a name.";
    party_side: "身份", "Side";
    side_applicant: "申请人", "Applicant";
    side_respondent: "被申请人", "Respondent";
    side_involved: "涉事人", "Involved";
    attachments: "附件", "Attachments";
    attachments_hint: "照片（JPEG、PNG、WebP，每张 10 MiB 内，最多 9 张）和文档（PDF、DOCX、XLSX、纯文本，每个 20 MiB 内，最多 5 个）；照片的位置信息会被去除。", "Photos (JPEG, PNG, WebP, up to 10 MiB each, 9 at most) and documents (PDF, DOCX, XLSX, plain text, up to 20 MiB each, 5 at most); photos lose their location data.";
    already_uploaded: "已上传，将随本次提交附上：", "Uploaded, sent with this form: ";
    similar_incidents: "相似事件", "Similar incidents";
    submit_report: "提交上报", "Report";
    incident_reported: "事件已上报。", "The incident is reported.";
    action_done: "操作已完成。", "Done.";
    details: "事件详情", "Details";
    location: "位置", "Location";
    no_location: "未标注位置", "No position";
    tasks: "任务", "Tasks";
    task_kind: "任务类型", "Kind";
    assignee: "承办", "Assignee";
    handler: "办理人", "Handler";
    result: "办理结果", "Result";
    report_in: "报到", "Report-in";
    reported_in: "已报到", "Reported in";
    report_in_due: "报到期限", "Report-in due";
    no_tasks: "尚未派遣。", "Not dispatched yet.";
    timeline: "处理经过", "Timeline";
    shirking: "推诿", "Shirking";
    shirking_flag: "存在推诿：同一承办单位两次以上退回", "Shirking: an assignee returned the work twice or more";
    reopen_count: "重新办理次数", "Reopened";
    rework_count: "退回重办次数", "Reworked";
    return_count: "退回次数", "Returned";
    ladder: "升级阶梯", "Escalation ladder";
    ladder_none: "未升级", "Not escalated";
    guarantor: "包保领导", "Leader in charge";
    no_guarantor: "已过最高一级，辖区内没有可包保的领导", "Past the top of the ladder: no leader serves this area";
    evaluation: "评价", "Evaluation";
    actions_now: "可进行的操作", "What you may do now";
    no_actions: "您当前对此事件没有可进行的操作。", "There is nothing you may do on this incident now.";
    reason: "理由", "Reason";
    reason_hint: "至少 4 个字", "At least 4 characters";
    merge_into: "并入事件编号", "Merge into number";
    territorial_grid: "属地网格", "Territorial grid";
    territorial_region: "属地区划代码", "Territorial region code";
    lead_department: "主办部门", "Lead department";
    assist_departments: "协办部门", "Assisting departments";
    summoned_departments: "吹哨部门", "Departments summoned";
    report_in_hours: "报到时限（小时）", "Hours to report in";
    task: "任务", "Task";
    any_task: "我的唯一任务", "My one task";
    rework_tasks: "退回重办的任务（不选则全部）", "Tasks to send back (none chosen: all)";
    none: "无", "None";
    refused: "操作未执行", "Not done";
    stale_hint: "以下为事件的最新状态，请重新操作。", "Here is how the incident stands now; try again.";
    photo: "照片", "Photo";
    document: "文档", "Document";
}

// Settings per region: the page of a region's effective settings and their forms.
texts! { SupervisionTexts, SUPERVISION_ZH, SUPERVISION_EN;
    nav_supervision: "督办", "Supervision";
    desk_title: "督办台", "Supervision desk";
    section: "催办与督办", "Reminders and supervision";
    reminders: "催办次数", "Reminders";
    last_reminded: "最近催办", "Last reminded";
    remind: "催办", "Remind";
    remind_hint: "催办内容，如：请加快办理，周五前反馈", "What to press for, e.g. speed up and report back by Friday";
    issue_card: "下发督办单", "Issue a supervision card";
    colour: "督办等级", "Colour";
    addressee: "督办对象", "Addressee";
    addressee_hint: "留空为承办中心；或 center:区划代码、department:部门编号", "Empty for the center holding it; or center:<region code>, department:<id>";
    due_days: "回复期限（工作日）", "Reply due (working days)";
    due_date: "或回复截止日期", "or reply due by (date)";
    card_note: "督办要求", "What the card asks";
    cards: "督办单", "Supervision cards";
    no_cards: "暂无督办单", "No supervision cards";
    card: "督办单", "Card";
    state: "状态", "State";
    due: "回复期限", "Reply due";
    overdue: "已逾期", "Overdue";
    reply: "书面回复", "Written reply";
    replied_at: "回复时间", "Replied";
    sent_back: "退回次数", "Sent back";
    incident: "事件", "Incident";
    issued_at: "下发时间", "Issued";
    text_reply: "回复内容", "Reply";
    text_reason: "退回理由", "Why it is sent back";
    text_note: "说明（可选）", "Note (optional)";
    view_all: "全部", "All";
    view_to_reply: "待我回复", "To reply";
    view_due: "待回复", "Awaiting reply";
    view_overdue: "逾期未回复", "Overdue";
    view_answered: "已回复待认可", "Answered";
    any: "全部", "Any";
    listed: "挂牌督办", "Listed supervision";
    listed_hint: "勾选列表中的事件；不勾选则督办本列表筛选出的全部事件（至多 200 件），每件一张督办单，发往承办中心", "Tick incidents of the list; with none ticked, every incident the list's filters give (at most 200): one card each, to the center holding it";
    listed_done: "已挂牌督办", "Supervised";
    listed_unit: "件", "incidents";
    extensions: "延期申请", "Extensions";
    no_extensions: "暂无延期申请", "No extension requests";
    ask_extension: "申请延期", "Ask for more time";
    task: "任务", "Task";
    days: "延期工作日", "Extra working days";
    reason: "理由", "Reason";
    grant: "批准", "Grant";
    refuse: "不批准", "Refuse";
    due_before: "原期限", "Due before";
    due_after: "新期限", "Due after";
    done: "已完成", "Done";
    refused: "未能完成", "Not done";
    timeline: "督办记录", "Record";
}

texts! { SettingsTexts, SETTINGS_ZH, SETTINGS_EN;
    nav_settings: "区域设置", "Settings";
    settings_of: "区域设置", "Settings of";
    effective: "当前生效", "In effect";
    source: "来源", "From";
    from_default: "系统默认", "built-in default";
    own_value: "本级设置", "Set here";
    not_set_here: "本级未设置，沿用上级或默认值", "not set here: the value from above or the default applies";
    edit: "修改本级设置", "Set for this region";
    save: "保存", "Save";
    clear: "清除本级设置", "Clear this region's value";
    saved: "已保存", "Saved";
    limits_table: "各等级、各环节时限（未单独设置分类时）", "Limits per grade and step (categories without a rule of their own)";
    local_days: "本地节假日与调休（含上级）", "Local days (with those set above)";
    no_local_days: "无本地节假日，按国务院安排", "No local days: the State Council's schedule applies";
    grade: "等级", "Grade";
    step: "环节", "Step";
    limit: "时限", "Limit";
    date: "日期", "Date";
    day_kind: "类型", "Kind";
    name: "名称", "Name";
    holiday: "放假", "holiday";
    workday: "上班", "working day";
    help_time_limits: "每行一条：环节 时限 单位 [分类代码|*] [等级|*]，如 handle 5 days 01 major。环节：accept 受理、dispatch 派遣、handle 办理、review 结案审核；单位：days 工作日、hours 工作小时。", "One a line: step amount unit [category code|*] [grade|*], e.g. handle 5 days 01 major. Steps: accept, dispatch, handle, review; units: days (working days), hours (working hours).";
    help_escalation_ladder: "每行一级：名称 次数，如 社区调解 2，自下而上。", "One level a line, bottom first: name attempts, e.g. 社区调解 2.";
    help_local_days: "每行一天：日期 放假|上班 名称，如 2025-04-11 放假 市庆。上级已设的日期无需重复。", "One day a line: date holiday|workday name, e.g. 2025-04-11 holiday City day. Days set above need not be repeated.";
    help_household_band: "下限-上限，如 300-500。", "lowest-highest, e.g. 300-500.";
    help_card_phones: "full 完整显示、masked 部分隐藏、hidden 不显示。", "full, masked or hidden.";
    help_notify_channels: "每行一项：sms 网关地址；sms.body JSON模板（{phone}、{text} 处填入，勿加引号）；sms.auth 名称: 值；wecom 群名 Webhook地址 [markdown]；dingtalk 群名 Webhook地址 [加签密钥] [markdown]；quiet 22:00-07:00（短信免打扰）。密钥显示为 ******，原样保存即保留。", "One a line: sms gateway-URL; sms.body JSON template ({phone} and {text} filled in, unquoted); sms.auth Name: value; wecom group webhook [markdown]; dingtalk group webhook [secret] [markdown]; quiet 22:00-07:00 (no SMS then). Secrets show as ******; saved as shown, they are kept.";
    stale: "该设置已被他人修改，以下为最新内容，请重新操作", "someone else changed this setting; here is the latest, try again";
}
