//! Evidence files (photos and documents) stored by content: a file is named
//! by its sha256, so the same photo attached twice is kept once.
//!
//! Accepted: JPEG, PNG (decoded to prove they are images) and PDF, up to
//! [`MAX_BYTES`]. The original is kept untouched; for an image, a copy of at
//! most [`DISPLAY_EDGE`] pixels (for reports) and a thumbnail are made beside
//! it. Files are written to a temporary name, synced and renamed, so a crash
//! never leaves half a file under a real name. Storing the file comes before
//! the database row that refers to it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Problem, Reason, Result};

pub const MAX_BYTES: u64 = 30 * 1024 * 1024;
/// Longest edge of the copy used in reports.
pub const DISPLAY_EDGE: u32 = 1600;
pub const THUMB_EDGE: u32 = 320;
/// Refuse images whose pixel count would need absurd memory to decode.
const MAX_PIXELS: u64 = 80_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Attachment {
    pub sha256: String,
    pub media_type: String,
    pub size: u32,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub original_name: String,
}

/// The folder of evidence files, beside the database.
#[derive(Debug, Clone)]
pub struct EvidenceStore {
    dir: PathBuf,
}

/// Which stored file of an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Display,
    Thumbnail,
}

impl EvidenceStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        EvidenceStore { dir: dir.into() }
    }

    /// `<folder of the database>/evidence`.
    pub fn beside(db_path: &Path) -> Self {
        EvidenceStore::new(db_path.parent().unwrap_or(Path::new(".")).join("evidence"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where a file of this content is. A name that is not a sha256 (say,
    /// `../x` from a damaged record) maps to a folder that holds nothing, so
    /// no path outside the evidence folder can ever be formed.
    pub fn path(&self, sha256: &str, variant: Variant) -> PathBuf {
        let sha256 = if is_sha256(sha256) { sha256 } else { "invalid" };
        let shard = self.dir.join(&sha256[..2]);
        match variant {
            Variant::Original => shard.join(sha256),
            Variant::Display => shard.join(format!("{sha256}.display.jpg")),
            Variant::Thumbnail => shard.join(format!("{sha256}.thumb.jpg")),
        }
    }

    /// Reads, checks and stores a file; the same content twice is stored once.
    /// `field` names the input in problems (e.g. `--evidence`).
    pub fn put_file(&self, path: &Path, field: &str) -> Result<Attachment> {
        self.store(check_file(path, field)?)
    }

    pub fn put_bytes(&self, bytes: &[u8], original_name: &str, field: &str) -> Result<Attachment> {
        self.store(check_bytes(bytes, original_name, field)?)
    }

    /// Writes a checked file and its scaled copies (once per content).
    pub fn store(&self, checked: Checked) -> Result<Attachment> {
        let Checked { bytes, attachment, image } = checked;
        let original = self.path(&attachment.sha256, Variant::Original);
        if !original.exists() {
            write_durably(&original, &bytes)?;
        }
        if let Some(img) = image {
            for (variant, edge) in [(Variant::Display, DISPLAY_EDGE), (Variant::Thumbnail, THUMB_EDGE)] {
                let target = self.path(&attachment.sha256, variant);
                if target.exists() {
                    continue;
                }
                let scaled = if img.width().max(img.height()) > edge { img.thumbnail(edge, edge) } else { img.clone() };
                let mut out = Vec::new();
                scaled
                    .to_rgb8()
                    .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
                    .map_err(|e| Error::Internal(format!("encoding a scaled copy: {e}")))?;
                write_durably(&target, &out)?;
            }
        }
        Ok(attachment)
    }

    pub fn read(&self, sha256: &str, variant: Variant) -> Result<Vec<u8>> {
        let p = self.path(sha256, variant);
        std::fs::read(&p).map_err(|e| Error::io(p, e))
    }
}

/// A file that passed every check and is not stored yet: checking all files
/// of a request before writing any keeps a refused request from leaving files
/// behind.
pub struct Checked {
    bytes: Vec<u8>,
    attachment: Attachment,
    image: Option<image::DynamicImage>,
}

impl Checked {
    pub fn attachment(&self) -> &Attachment {
        &self.attachment
    }
}

pub fn check_file(path: &Path, field: &str) -> Result<Checked> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let problem = |reason: Reason| Error::Input(vec![Problem::new(reason).file(name.clone()).field(field)]);
    let meta = std::fs::metadata(path).map_err(|e| problem(Reason::FileUnreadable(e.to_string())))?;
    if !meta.is_file() {
        return Err(problem(Reason::FileUnreadable("不是文件 / not a file".into())));
    }
    if meta.len() > MAX_BYTES {
        return Err(problem(too_big(meta.len())));
    }
    let bytes = std::fs::read(path).map_err(|e| problem(Reason::FileUnreadable(e.to_string())))?;
    check_bytes(&bytes, &name, field)
}

/// Checks content, not names: JPEG and PNG must decode (and a JPEG must be
/// whole), a PDF must end; the extension must agree with the content.
pub fn check_bytes(bytes: &[u8], original_name: &str, field: &str) -> Result<Checked> {
    let problem =
        |reason: Reason| Error::Input(vec![Problem::new(reason).file(original_name.to_string()).field(field)]);
    if bytes.is_empty() {
        return Err(problem(Reason::FileUnreadable("文件为空 / the file is empty".into())));
    }
    if bytes.len() as u64 > MAX_BYTES {
        return Err(problem(too_big(bytes.len() as u64)));
    }
    let media_type = sniff(bytes).ok_or_else(|| {
        problem(Reason::Other {
            zh: "不支持的文件类型，只能附加 JPG、PNG 照片或 PDF 文件".into(),
            en: "unsupported file type; attach JPG or PNG photos or PDF files".into(),
        })
    })?;
    let ext_claims = Path::new(original_name).extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let (width, height, image) = if media_type == "application/pdf" {
        if !bytes.windows(5).rev().take(2048).any(|w| w == b"%%EOF") {
            return Err(problem(Reason::FileUnreadable("PDF 文件不完整 / the PDF is truncated".into())));
        }
        (None, None, None)
    } else {
        let format = if media_type == "image/png" { image::ImageFormat::Png } else { image::ImageFormat::Jpeg };
        let reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
        let (w, h) = reader
            .into_dimensions()
            .map_err(|e| problem(Reason::FileUnreadable(format!("不是有效的图片 / not a valid image: {e}"))))?;
        if w as u64 * h as u64 > MAX_PIXELS {
            return Err(problem(Reason::OutOfRange { value: format!("{w}×{h}"), range: "≤ 8000 万像素".into() }));
        }
        if format == image::ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
            return Err(problem(Reason::FileUnreadable("JPG 文件不完整 / the JPEG is truncated".into())));
        }
        let img = image::load_from_memory_with_format(bytes, format)
            .map_err(|e| problem(Reason::FileUnreadable(format!("图片已损坏 / the image is damaged: {e}"))))?;
        (Some(w), Some(h), Some(img))
    };
    if let Some(ext) = ext_claims.as_deref() {
        let consistent = match media_type {
            "image/jpeg" => matches!(ext, "jpg" | "jpeg" | "jpe"),
            "image/png" => ext == "png",
            _ => ext == "pdf",
        };
        if !consistent {
            return Err(problem(Reason::Other {
                zh: format!("文件扩展名“.{ext}”与内容（{media_type}）不符"),
                en: format!("the extension '.{ext}' does not match the content ({media_type})"),
            }));
        }
    }
    Ok(Checked {
        attachment: Attachment {
            sha256: hex::encode(Sha256::digest(bytes)),
            media_type: media_type.to_string(),
            size: bytes.len() as u32,
            width,
            height,
            original_name: original_name.to_string(),
        },
        bytes: bytes.to_vec(),
        image,
    })
}

/// 64 lowercase hexadecimal digits.
/// Registers a stored file in the database; the same content twice is one row.
pub(crate) fn register(tx: &crate::db::Tx<'_>, a: &Attachment) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO attachment (sha256, media_type, size, width, height, original_name, created_at, device_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![a.sha256, a.media_type, a.size, a.width, a.height, a.original_name, tx.now_text(), tx.device_id()],
    )?;
    Ok(())
}

pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn too_big(len: u64) -> Reason {
    Reason::OutOfRange {
        value: format!("{:.1} MB", len as f64 / 1024.0 / 1024.0),
        range: format!("≤ {} MB", MAX_BYTES / 1024 / 1024),
    }
}

/// The media type from the first bytes, whatever the name says.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Whether a JPEG runs to its end-of-image marker. The decoder paints a cut
/// file grey without complaint, so a half-copied photo would be kept as
/// evidence. Walks the marker segments (an EXIF thumbnail inside APP1 is
/// skipped whole) and the entropy-coded scans (where FF is stuffed as FF 00);
/// anything after the end marker, such as a phone's trailer, is ignored.
fn jpeg_is_complete(b: &[u8]) -> bool {
    let is_restart = |m: u8| (0xD0..=0xD7).contains(&m);
    let mut i = 2;
    while i + 1 < b.len() {
        if b[i] != 0xFF {
            return false;
        }
        let marker = b[i + 1];
        match marker {
            0xD9 => return true,
            0xFF => {
                i += 1;
                continue;
            }
            0x01 => {
                i += 2;
                continue;
            }
            m if is_restart(m) => {
                i += 2;
                continue;
            }
            _ => {}
        }
        let Some(len) = b.get(i + 2..i + 4).map(|l| u16::from_be_bytes([l[0], l[1]]) as usize) else {
            return false;
        };
        if len < 2 {
            return false;
        }
        i += 2 + len;
        if marker == 0xDA {
            while i + 1 < b.len() && !(b[i] == 0xFF && b[i + 1] != 0x00 && !is_restart(b[i + 1])) {
                i += 1;
            }
        }
    }
    false
}

/// Temporary file, fsync, rename, fsync of the folder: the name appears only
/// with the whole content behind it.
pub fn write_durably(path: &Path, bytes: &[u8]) -> Result<()> {
    // A bare file name (`--db a.db`) lives in the current folder.
    let dir = match path.parent() {
        Some(d) if d.as_os_str().is_empty() => Path::new("."),
        Some(d) => d,
        None => return Err(Error::Internal("a stored file needs a folder".into())),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        #[cfg(unix)]
        std::fs::File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Copies `from` to `to` the way [`write_durably`] writes: the name `to`
/// appears only with the whole file behind it, and a failed copy leaves
/// neither a partial file nor a changed `to`. Streams, so a large sync file
/// is not read into memory.
pub fn copy_durably(from: &Path, to: &Path) -> Result<u64> {
    let dir = match to.parent() {
        Some(d) if d.as_os_str().is_empty() => Path::new("."),
        Some(d) => d,
        None => return Err(Error::Internal("a copied file needs a folder".into())),
    };
    let mut src = std::fs::File::open(from).map_err(|e| Error::io(from, e))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        to.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<u64> {
        let mut f = std::fs::File::create(&tmp)?;
        let n = std::io::copy(&mut src, &mut f)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, to)?;
        #[cfg(unix)]
        std::fs::File::open(dir)?.sync_all()?;
        Ok(n)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(to, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn a_copy_appears_whole_and_a_failed_one_leaves_the_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("报告.pdf");
        std::fs::write(&from, b"%PDF-1.7 whole").unwrap();
        let to = dir.path().join("copy.pdf");
        std::fs::write(&to, b"older").unwrap();
        assert_eq!(copy_durably(&from, &to).unwrap(), 14);
        assert_eq!(std::fs::read(&to).unwrap(), b"%PDF-1.7 whole");

        let missing = dir.path().join("gone.pdf");
        assert!(copy_durably(&missing, &to).is_err());
        let into_nowhere = dir.path().join("no-such-folder").join("x.pdf");
        let e = copy_durably(&from, &into_nowhere).unwrap_err();
        assert!(e.to_string().contains("no-such-folder"), "{e}");
        assert_eq!(std::fs::read(&to).unwrap(), b"%PDF-1.7 whole");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    }

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn the_same_photo_is_stored_once_with_scaled_copies() {
        let dir = tempfile::tempdir().unwrap();
        let store = EvidenceStore::new(dir.path());
        let bytes = png(2400, 1200);
        let a = store.put_bytes(&bytes, "灭火器.png", "evidence").unwrap();
        let b = store.put_bytes(&bytes, "again.png", "evidence").unwrap();
        assert_eq!(a.sha256, b.sha256);
        assert_eq!((a.width, a.height), (Some(2400), Some(1200)));
        assert_eq!(store.read(&a.sha256, Variant::Original).unwrap(), bytes, "the original is kept as it was");
        let display = image::load_from_memory(&store.read(&a.sha256, Variant::Display).unwrap()).unwrap();
        assert_eq!((display.width(), display.height()), (1600, 800));
        let thumb = image::load_from_memory(&store.read(&a.sha256, Variant::Thumbnail).unwrap()).unwrap();
        assert_eq!(thumb.width(), 320);
        let files = walk(dir.path());
        assert_eq!(files.len(), 3, "one original and two copies, no temporaries: {files:?}");
    }

    fn walk(p: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(p).unwrap() {
            let e = e.unwrap().path();
            if e.is_dir() {
                out.extend(walk(&e));
            } else {
                out.push(e);
            }
        }
        out
    }

    #[rstest]
    #[case(b"hello world".to_vec(), "note.jpg", "不支持的文件类型")]
    #[case(vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], "broken.jpg", "不是有效的图片")]
    #[case(b"%PDF-1.4 truncated".to_vec(), "scan.pdf", "PDF 文件不完整")]
    #[case(Vec::new(), "empty.png", "文件为空")]
    fn bad_files_are_refused_and_nothing_is_stored(#[case] bytes: Vec<u8>, #[case] name: &str, #[case] want: &str) {
        let dir = tempfile::tempdir().unwrap();
        let store = EvidenceStore::new(dir.path().join("ev"));
        let err = store.put_bytes(&bytes, name, "evidence").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(msg.contains(want) && msg.contains(name), "{msg}");
        assert!(!dir.path().join("ev").exists(), "nothing was written");
    }

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7 % 256) as u8, (y * 3 % 256) as u8, 40]));
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
        out
    }

    #[test]
    fn a_cut_jpeg_is_refused_but_a_trailer_after_the_end_is_not() {
        let whole = jpeg(300, 200);
        assert!(jpeg_is_complete(&whole));
        let mut with_trailer = whole.clone();
        with_trailer.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 2, 3, 0xFF, 0xD8, 9, 9]);
        assert!(jpeg_is_complete(&with_trailer), "data after the end marker (a phone's trailer) is ignored");
        for cut in [whole.len() - 2, whole.len() / 2, 700] {
            assert!(!jpeg_is_complete(&whole[..cut]), "cut at {cut} of {}", whole.len());
        }
        let dir = tempfile::tempdir().unwrap();
        let store = EvidenceStore::new(dir.path().join("ev"));
        let err = store.put_bytes(&whole[..whole.len() / 2], "半张.jpg", "evidence").unwrap_err();
        assert!(err.to_string().contains("JPG 文件不完整"), "{err}");
        assert!(!dir.path().join("ev").exists());
        store.put_bytes(&with_trailer, "整张.jpg", "evidence").unwrap();
    }

    #[test]
    fn names_that_are_not_hashes_never_leave_the_evidence_folder() {
        let store = EvidenceStore::new("/srv/evidence");
        for bad in ["../../etc/passwd", "é", "", "AB"] {
            let p = store.path(bad, Variant::Original);
            assert!(p.starts_with("/srv/evidence/in"), "{bad:?} → {p:?}");
        }
        assert!(store.read("../../etc/passwd", Variant::Original).is_err());
    }

    #[test]
    fn a_png_named_jpg_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = EvidenceStore::new(dir.path()).put_bytes(&png(10, 10), "photo.jpg", "evidence").unwrap_err();
        assert!(err.to_string().contains("不符"), "{err}");
    }

    #[test]
    fn oversized_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.jpg");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_BYTES + 1).unwrap();
        let err = EvidenceStore::new(dir.path().join("ev")).put_file(&path, "--evidence").unwrap_err();
        assert!(err.to_string().contains("MB"), "{err}");
    }
}
