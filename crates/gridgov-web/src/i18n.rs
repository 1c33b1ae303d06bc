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
    ($($key:ident: $zh:expr, $en:expr;)*) => {
        /// Every label of the interface.
        pub struct Texts { $(pub $key: &'static str,)* }
        pub static ZH: Texts = Texts { $($key: $zh,)* };
        pub static EN: Texts = Texts { $($key: $en,)* };
    };
}

texts! {
    app_name: "网格化社会治理平台", "Grid Governance Platform";
    nav_home: "工作台", "Home";
    nav_regions: "行政区划", "Regions";
    nav_users: "用户管理", "Users";
    nav_audit: "审计日志", "Audit trail";
    nav_account: "我的账号", "My account";
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
    password_changed: "密码已修改，请重新登录。", "Password changed; please log in again.";
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
