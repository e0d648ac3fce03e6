//! Closed vocabularies (item kind, severity, verdict …): each value has a
//! stable slug (stored, and in JSON), a Chinese and an English label, and a
//! parser that accepts what people and office spreadsheets write.

/// Generates label/slug/parse for a closed vocabulary. Synonyms are compared
/// after [`fold`], so full-width forms and spaces do not matter.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $slug:literal, $zh:literal, $en:literal, [$($syn:literal),*];)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn slug(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            pub fn label(self, lang: $crate::lang::Lang) -> &'static str {
                match self { $($name::$variant => lang.pick($zh, $en)),+ }
            }

            pub fn from_slug(s: &str) -> Option<Self> {
                match s { $($slug => Some($name::$variant),)+ _ => None }
            }

            /// Accepts the slug, the Chinese label, the English label and the synonyms.
            pub fn parse(s: &str) -> Option<Self> {
                let f = $crate::text::fold(s);
                if f.is_empty() { return None; }
                $(
                    if f == $slug || f == $crate::text::fold($zh) || f == $crate::text::fold($en) $(|| f == $crate::text::fold($syn))* {
                        return Some($name::$variant);
                    }
                )+
                None
            }

            /// The accepted Chinese labels, for error messages.
            pub fn expected_zh() -> String {
                [$($zh),+].join("、")
            }
        }
    };
}

pub(crate) use vocabulary;
