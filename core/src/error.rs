//! Errors of the core, and the problems found in a user's input.
//!
//! Bad input is never a single message: an import collects every [`Problem`]
//! (file, sheet, row, column, field and reason) and refuses the whole file, so
//! a user fixes a spreadsheet in one pass. Each problem reads in Chinese or
//! English; the CLI maps [`Error::exit_code`] to its documented exit codes.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::lang::Lang;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input was refused; nothing was written.
    #[error("{}", render_problems(.0, Lang::Zh))]
    Input(Vec<Problem>),

    #[error("找不到{what}：{key}")]
    NotFound { what: &'static str, key: String },

    #[error("数据库文件 {path} 已损坏（{detail}）。请从备份恢复，本程序不会自动修复。")]
    Corrupt { path: PathBuf, detail: String },

    #[error("数据库文件 {path} 由更新版本的程序创建（结构版本 {found}，本程序支持到 {supported}），请升级程序后再打开。")]
    TooNew { path: PathBuf, found: i64, supported: i64 },

    #[error("数据库 {path} 升级失败：{detail}")]
    Migration { path: String, detail: String },

    #[error("无法访问 {path}：{source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("数据库错误：{0}")]
    Db(#[from] rusqlite::Error),

    #[error("同步文件 {file} 来自尚未信任的设备“{name}”（指纹 {fingerprint}）。请与对方核对指纹后，选择信任该设备再导入。")]
    UntrustedDevice { file: PathBuf, device_id: String, name: String, fingerprint: String },

    #[error("内部错误：{0}")]
    Internal(String),
}

impl Error {
    /// One problem without a location, for input that is not a file (a CLI argument, an IPC field).
    pub fn invalid(field: &str, reason: Reason) -> Self {
        Error::Input(vec![Problem::new(reason).field(field)])
    }

    /// One refusal with its reason in both languages, for a rule the input breaks.
    pub fn refuse(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error::invalid(field, Reason::Other { zh: zh.into(), en: en.into() })
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    /// 2 for bad input or a missing record (the user can fix it), 1 for anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::NotFound { .. } | Error::UntrustedDevice { .. } => 2,
            _ => 1,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::Zh) => self.to_string(),
            (Error::Input(problems), Lang::En) => render_problems(problems, Lang::En),
            (Error::NotFound { what, key }, Lang::En) => format!("not found: {} {key}", en_noun(what)),
            (Error::Corrupt { path, detail }, Lang::En) => format!(
                "the database file {} is damaged ({detail}). Restore it from a backup; this program never repairs it silently.",
                path.display()
            ),
            (Error::TooNew { path, found, supported }, Lang::En) => format!(
                "the database file {} was written by a newer version (schema {found}, this program knows up to {supported}); upgrade the program first.",
                path.display()
            ),
            (Error::Migration { path, detail }, Lang::En) => format!("upgrading the database {path} failed: {detail}"),
            (Error::Io { path, source }, Lang::En) => format!("cannot access {}: {source}", path.display()),
            (Error::Db(e), Lang::En) => format!("database error: {e}"),
            (Error::UntrustedDevice { file, name, fingerprint, .. }, Lang::En) => format!(
                "the bundle {} comes from the device '{name}' (fingerprint {fingerprint}), which is not trusted yet. Compare the fingerprint with its owner, then trust the device and import again.",
                file.display()
            ),
            (Error::Internal(m), Lang::En) => format!("internal error: {m}"),
        }
    }

    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Input(p) => p,
            _ => &[],
        }
    }
}

/// The English of every record kind a `NotFound` names (a test keeps it complete).
const NOUNS: &[(&str, &str)] = &[
    ("目录版本", "catalog version"),
    ("机构", "facility"),
    ("部门", "department"),
    ("县（市、区）", "county/district"),
    ("文件", "file"),
    ("条目", "catalog item"),
    ("检查", "inspection"),
    ("检查对象", "inspection target"),
    ("问题", "problem"),
    ("评价", "evaluation"),
    ("学习记录", "study mark"),
    ("附件", "attachment"),
    ("设备", "device"),
    ("冲突", "conflict"),
    ("记录", "record"),
    ("任务分配", "assignment"),
];

fn en_noun(zh: &str) -> &str {
    NOUNS.iter().find(|(z, _)| *z == zh).map(|(_, en)| *en).unwrap_or(zh)
}

fn render_problems(problems: &[Problem], lang: Lang) -> String {
    let head = match lang {
        Lang::Zh => format!("发现 {} 处问题，未写入任何数据：", problems.len()),
        Lang::En => format!("{} problem(s) found; nothing was written:", problems.len()),
    };
    let mut out = head;
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.message(lang));
    }
    out
}

/// Where in an input a problem is, and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Problem {
    pub file: Option<String>,
    pub sheet: Option<String>,
    /// 1-based row as a spreadsheet program shows it.
    pub row: Option<u32>,
    /// Column letter as a spreadsheet program shows it (A, B, … AA).
    pub column: Option<String>,
    /// The field the column was read as, in Chinese (e.g. 依据).
    pub field: Option<String>,
    #[serde(skip)]
    #[ts(skip)]
    pub reason: Reason,
    /// The reason in Chinese, for JSON consumers.
    pub message_zh: String,
    pub message_en: String,
}

impl Problem {
    pub fn new(reason: Reason) -> Self {
        Problem {
            file: None,
            sheet: None,
            row: None,
            column: None,
            field: None,
            message_zh: reason.text(Lang::Zh),
            message_en: reason.text(Lang::En),
            reason,
        }
    }
    pub fn file(mut self, f: impl Into<String>) -> Self {
        self.file = Some(f.into());
        self
    }
    pub fn sheet(mut self, s: impl Into<String>) -> Self {
        self.sheet = Some(s.into());
        self
    }
    pub fn row(mut self, r: u32) -> Self {
        self.row = Some(r);
        self
    }
    /// `col` is 0-based.
    pub fn column(mut self, col: usize) -> Self {
        self.column = Some(column_letter(col));
        self
    }
    pub fn field(mut self, f: impl Into<String>) -> Self {
        self.field = Some(f.into());
        self
    }

    pub fn message(&self, lang: Lang) -> String {
        let mut place = Vec::new();
        match lang {
            Lang::Zh => {
                if let Some(f) = &self.file {
                    place.push(format!("文件 {f}"));
                }
                if let Some(s) = &self.sheet {
                    place.push(format!("工作表“{s}”"));
                }
                if let Some(r) = self.row {
                    place.push(format!("第 {r} 行"));
                }
                match (&self.column, &self.field) {
                    (Some(c), Some(f)) => place.push(format!("{c} 列（{f}）")),
                    (Some(c), None) => place.push(format!("{c} 列")),
                    (None, Some(f)) => place.push(format!("“{f}”")),
                    (None, None) => {}
                }
                if place.is_empty() {
                    self.reason.text(lang)
                } else {
                    format!("{}：{}", place.join("，"), self.reason.text(lang))
                }
            }
            Lang::En => {
                if let Some(f) = &self.file {
                    place.push(f.clone());
                }
                if let Some(s) = &self.sheet {
                    place.push(format!("sheet '{s}'"));
                }
                if let Some(r) = self.row {
                    place.push(format!("row {r}"));
                }
                match (&self.column, &self.field) {
                    (Some(c), Some(f)) => place.push(format!("column {c} ({})", crate::text::field_en(f))),
                    (Some(c), None) => place.push(format!("column {c}")),
                    (None, Some(f)) => place.push(format!("field '{}'", crate::text::field_en(f))),
                    (None, None) => {}
                }
                if place.is_empty() {
                    self.reason.text(lang)
                } else {
                    format!("{}: {}", place.join(", "), self.reason.text(lang))
                }
            }
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::Zh))
    }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

/// What is wrong, independent of where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    FileUnreadable(String),
    UnsupportedFileType(String),
    EmptyWorkbook,
    HeaderNotFound { expected: Vec<String> },
    MissingColumn,
    Required,
    Invalid { value: String, expected: String },
    TooLong { max: usize },
    NotANumber(String),
    OutOfRange { value: String, range: String },
    DuplicateCode { code: String, first_row: u32 },
    DuplicateName { name: String, first_row: u32 },
    KindUnknown,
    CodeKindMismatch { code: String },
    NoItems,
    /// A folder, a device such as /dev/zero, a pipe: refused before it is opened.
    NotAFile(NotRegular),
    /// A cell with content lies beyond the rows or columns an import reads.
    SheetTooLarge { rows: usize, columns: usize, cell: String },
    /// A part of a zipped workbook inflates beyond what any real sheet needs.
    InflatesTooMuch { part: String, limit_mb: u64 },
    /// Merged areas that overlap or repeat, so filling them would not end.
    MergedAreasTooLarge { cells: u64 },
    Other { zh: String, en: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRegular {
    Folder,
    DeviceOrPipe,
}

impl NotRegular {
    /// What `meta` is, when it is not a regular file (symbolic links followed).
    pub fn of(meta: &std::fs::Metadata) -> Option<NotRegular> {
        if meta.is_file() {
            None
        } else if meta.is_dir() {
            Some(NotRegular::Folder)
        } else {
            Some(NotRegular::DeviceOrPipe)
        }
    }
}

impl Reason {
    pub fn text(&self, lang: Lang) -> String {
        use Reason::*;
        match (self, lang) {
            (FileUnreadable(d), Lang::Zh) => format!("无法读取文件（{d}）"),
            (FileUnreadable(d), Lang::En) => format!("the file cannot be read ({d})"),
            (UnsupportedFileType(ext), Lang::Zh) => {
                format!("不支持的文件类型“{ext}”，请使用 .xlsx、.xls、.ods 或 .csv 文件")
            }
            (UnsupportedFileType(ext), Lang::En) => {
                format!("unsupported file type '{ext}'; use .xlsx, .xls, .ods or .csv")
            }
            (EmptyWorkbook, Lang::Zh) => "文件中没有可读取的工作表或数据".into(),
            (EmptyWorkbook, Lang::En) => "the file holds no sheet or data to read".into(),
            (HeaderNotFound { expected }, Lang::Zh) => {
                format!("找不到表头行，表头应包含以下列：{}", expected.join("、"))
            }
            (HeaderNotFound { expected }, Lang::En) => format!(
                "no header row found; the header must name these columns: {}",
                expected.iter().map(|f| crate::text::field_en(f)).collect::<Vec<_>>().join(", ")
            ),
            (MissingColumn, Lang::Zh) => "表头中缺少此必需列".into(),
            (MissingColumn, Lang::En) => "this required column is missing from the header".into(),
            (Required, Lang::Zh) => "不能为空".into(),
            (Required, Lang::En) => "must not be empty".into(),
            (Invalid { value, expected }, Lang::Zh) => format!("“{value}”无法识别，应为：{expected}"),
            (Invalid { value, expected }, Lang::En) => {
                format!("'{value}' is not recognised; expected {}", crate::text::expected_en(expected))
            }
            (TooLong { max }, Lang::Zh) => format!("内容过长，最多 {max} 个字符"),
            (TooLong { max }, Lang::En) => format!("too long; at most {max} characters"),
            (NotANumber(v), Lang::Zh) => format!("“{v}”不是有效的数字"),
            (NotANumber(v), Lang::En) => format!("'{v}' is not a valid number"),
            (OutOfRange { value, range }, Lang::Zh) => format!("“{value}”超出范围（{range}）"),
            (OutOfRange { value, range }, Lang::En) => format!("'{value}' is out of range ({range})"),
            (DuplicateCode { code, first_row }, Lang::Zh) => {
                format!("编号“{code}”重复，第 {first_row} 行已使用")
            }
            (DuplicateCode { code, first_row }, Lang::En) => {
                format!("code '{code}' is used twice; row {first_row} has it already")
            }
            (DuplicateName { name, first_row }, Lang::Zh) => {
                format!("“{name}”重复，第 {first_row} 行已有")
            }
            (DuplicateName { name, first_row }, Lang::En) => {
                format!("'{name}' appears twice; row {first_row} has it already")
            }
            (KindUnknown, Lang::Zh) => {
                "无法判断是衡量标准还是工作指标：请增加“类型”列，或在工作表名称中注明“标准”或“指标”，或使用 --kind 参数"
                    .into()
            }
            (KindUnknown, Lang::En) => "cannot tell whether this is a standard or an indicator: add a 类型 column, name the sheet …标准 or …指标, or pass --kind".into(),
            (CodeKindMismatch { code }, Lang::Zh) => {
                format!("编号“{code}”与类型不符（衡量标准以 S 开头，工作指标以 I 开头）")
            }
            (CodeKindMismatch { code }, Lang::En) => {
                format!("code '{code}' does not match the kind (standards start with S, indicators with I)")
            }
            (NoItems, Lang::Zh) => "文件中没有找到任何条目".into(),
            (NoItems, Lang::En) => "the file holds no items".into(),
            (NotAFile(NotRegular::Folder), Lang::Zh) => "这是一个文件夹，不是文件".into(),
            (NotAFile(NotRegular::Folder), Lang::En) => "this is a folder, not a file".into(),
            (NotAFile(NotRegular::DeviceOrPipe), Lang::Zh) => "这是设备文件或管道，不是普通文件".into(),
            (NotAFile(NotRegular::DeviceOrPipe), Lang::En) => "this is a device or a pipe, not a regular file".into(),
            (SheetTooLarge { rows, columns, cell }, Lang::Zh) => format!(
                "数据范围达到 {rows} 行 {columns} 列（单元格 {cell} 有内容），超过上限 {} 行 {} 列；请删除表格以外的内容后重新导入",
                crate::spreadsheet::MAX_ROWS,
                crate::spreadsheet::MAX_COLUMNS
            ),
            (SheetTooLarge { rows, columns, cell }, Lang::En) => format!(
                "the data reaches {rows} rows and {columns} columns (cell {cell} has content), beyond the limit of {} rows and {} columns; delete what lies outside the table and import again",
                crate::spreadsheet::MAX_ROWS,
                crate::spreadsheet::MAX_COLUMNS
            ),
            (InflatesTooMuch { part, limit_mb }, Lang::Zh) => {
                format!("文件内部“{part}”解压后超过 {limit_mb} MB，不像正常的表格文件，已拒绝读取")
            }
            (InflatesTooMuch { part, limit_mb }, Lang::En) => {
                format!("the part '{part}' inflates beyond {limit_mb} MB, which no real spreadsheet needs; not read")
            }
            // The count can run to billions: not a number a person needs.
            (MergedAreasTooLarge { .. }, Lang::Zh) => "合并区域有重叠，合计覆盖的单元格多于工作表本身；请取消重叠的合并后重新导入".to_string(),
            (MergedAreasTooLarge { cells }, Lang::En) => {
                format!("merged areas cover {cells} cells, more than the sheet holds, so they overlap; unmerge the overlapping areas and import again")
            }
            (Other { zh, .. }, Lang::Zh) => zh.clone(),
            (Other { en, .. }, Lang::En) => en.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_not_found_in_the_sources_has_an_english_noun() {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(std::fs::read_to_string(&p).unwrap());
                }
            }
        }
        let mut sources = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut sources);
        // Split so that this line is not a match itself.
        let marker = ["NotFound { what", ": \""].concat();
        let mut seen = 0;
        for text in &sources {
            for (i, _) in text.match_indices(marker.as_str()) {
                let rest = &text[i + marker.len()..];
                let what = &rest[..rest.find('"').unwrap()];
                seen += 1;
                assert_ne!(en_noun(what), what, "NotFound names “{what}”, which has no English in NOUNS");
            }
        }
        assert!(seen >= 20, "the scan found the NotFound sites ({seen})");
    }

    use super::*;

    #[test]
    fn column_letters_follow_spreadsheet_convention() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn problem_names_its_place_in_both_languages() {
        let p = Problem::new(Reason::Required).file("a.xlsx").sheet("衡量标准").row(12).column(2).field("依据");
        assert_eq!(p.message(Lang::Zh), "文件 a.xlsx，工作表“衡量标准”，第 12 行，C 列（依据）：不能为空");
        assert_eq!(p.message(Lang::En), "a.xlsx, sheet '衡量标准', row 12, column C (basis): must not be empty");
    }
}
