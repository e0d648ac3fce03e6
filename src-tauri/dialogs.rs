//! The system's file dialogs, shown by the shell for a command: 另存为 and
//! choosing sync files to take in. The window never names a path to write or
//! read; the person picks it here.
//!
//! On Linux the GTK file chooser is built on the main thread, the one that
//! runs the app's GTK loop. The dialog plugin's GTK backend runs a second GTK
//! loop on a thread of its own, and there a dialog opened within a second of
//! a cancelled one stayed unmapped (tests/e2e/dialogs.test.js caught it).
//! Elsewhere the dialog plugin (rfd) shows the platform's own dialog.

use std::path::PathBuf;

/// What a dialog asks for: its title, the folder it opens in, and the one
/// kind of file it offers (`label`, extension without the dot).
pub struct FileDialog<'a> {
    pub title: &'a str,
    pub folder: Option<PathBuf>,
    pub label: &'a str,
    pub extension: &'a str,
    /// The name a save dialog proposes.
    pub file_name: Option<String>,
    /// The buttons, for the person's language: cancel, then accept.
    pub buttons: (&'a str, &'a str),
}

/// Asks where to save; `None` when the person cancels. Blocks the calling
/// thread (a command's), never the window's.
pub fn save_file(window: &tauri::Window, ask: FileDialog) -> Option<PathBuf> {
    imp::save_file(window, ask)
}

/// Asks for one or more files; `None` when the person cancels.
pub fn pick_files(window: &tauri::Window, ask: FileDialog) -> Option<Vec<PathBuf>> {
    imp::pick_files(window, ask)
}

#[cfg(target_os = "linux")]
mod imp {
    use std::path::PathBuf;
    use std::sync::mpsc;

    use gtk::prelude::*;

    use super::FileDialog;

    pub fn save_file(window: &tauri::Window, ask: FileDialog) -> Option<PathBuf> {
        run(window, ask, gtk::FileChooserAction::Save).and_then(|mut v| v.pop())
    }

    pub fn pick_files(window: &tauri::Window, ask: FileDialog) -> Option<Vec<PathBuf>> {
        run(window, ask, gtk::FileChooserAction::Open).filter(|v| !v.is_empty())
    }

    fn run(window: &tauri::Window, ask: FileDialog, action: gtk::FileChooserAction) -> Option<Vec<PathBuf>> {
        let (tx, rx) = mpsc::channel();
        let parent = window.clone();
        let title = ask.title.to_string();
        let (cancel, accept) = (ask.buttons.0.to_string(), ask.buttons.1.to_string());
        let (label, pattern) = (ask.label.to_string(), format!("*.{}", ask.extension));
        let (folder, name) = (ask.folder, ask.file_name);
        let shown = window.run_on_main_thread(move || {
            let parent = parent.gtk_window().ok();
            let dialog = gtk::FileChooserDialog::with_buttons(
                Some(&title),
                parent.as_ref(),
                action,
                &[(&cancel, gtk::ResponseType::Cancel), (&accept, gtk::ResponseType::Accept)],
            );
            dialog.set_modal(true);
            dialog.set_default_response(gtk::ResponseType::Accept);
            let filter = gtk::FileFilter::new();
            filter.set_name(Some(&label));
            filter.add_pattern(&pattern);
            // GTK matches patterns case-sensitively: 报告.PDF is a PDF too.
            filter.add_pattern(&pattern.to_uppercase());
            dialog.add_filter(filter);
            if let Some(folder) = folder {
                dialog.set_current_folder(folder);
            }
            if action == gtk::FileChooserAction::Save {
                dialog.set_do_overwrite_confirmation(true);
                if let Some(name) = name {
                    dialog.set_current_name(&name);
                }
            } else {
                dialog.set_select_multiple(true);
            }
            dialog.connect_response(move |dialog, response| {
                let chosen = (response == gtk::ResponseType::Accept).then(|| dialog.filenames());
                // SAFETY: the dialog is ours, made above, and nothing uses it after this.
                unsafe { dialog.destroy() };
                let _ = tx.send(chosen);
            });
            dialog.show_all();
        });
        if shown.is_err() {
            return None;
        }
        // The sender goes away without a word only if the app is closing.
        rx.recv().ok().flatten()
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use std::path::PathBuf;

    use tauri_plugin_dialog::DialogExt;

    use super::FileDialog;

    fn builder(window: &tauri::Window, ask: &FileDialog) -> tauri_plugin_dialog::FileDialogBuilder<tauri::Wry> {
        let mut b = window.dialog().file().set_parent(window).set_title(ask.title).add_filter(ask.label, &[ask.extension]);
        if let Some(folder) = &ask.folder {
            b = b.set_directory(folder);
        }
        if let Some(name) = &ask.file_name {
            b = b.set_file_name(name);
        }
        b
    }

    pub fn save_file(window: &tauri::Window, ask: FileDialog) -> Option<PathBuf> {
        builder(window, &ask).blocking_save_file().and_then(|p| p.into_path().ok())
    }

    pub fn pick_files(window: &tauri::Window, ask: FileDialog) -> Option<Vec<PathBuf>> {
        let picked = builder(window, &ask).blocking_pick_files()?;
        Some(picked.into_iter().filter_map(|p| p.into_path().ok()).collect())
    }
}
