// Every IPC command of the app, by the name the UI invokes (docs/ipc.md).
// `build.rs` turns each into an `allow-…` permission, `capabilities/main.json`
// grants them, and `lib.rs` registers the handlers; a test checks all agree.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "catalog_versions",
    "catalog_groups",
    "catalog_items",
    "department_list",
    "jurisdiction_list",
    "facility_list",
    "facility_get",
    "inspection_start",
    "inspection_list",
    "inspection_show",
    "inspection_record",
    "inspection_add_item",
    "inspection_attach",
    "inspection_detach",
    "evidence_thumbnail",
    "inspection_suggest",
    "inspection_completion",
    "inspection_sign",
    "item_history",
    "inspection_changes",
    "user_name_set",
];
