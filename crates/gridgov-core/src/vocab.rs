//! The macro behind the closed lists of the incident loop and of verification tasks: one place
//! that gives each list its stable code, its labels in both languages, parsing with a bilingual
//! error and serde under the code.

/// A closed list with a stable snake_case code per variant (what the database and the API
/// store), a Chinese and an English label, `ALL`, `parse` (by code or Chinese label, since
/// desk forms and imports send either) and serde under the same code. The code is written out
/// per variant rather than derived by serde, so `hotline_12345` stays what it says.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $error:literal, $what_zh:literal, $what_en:literal,
     { $($(#[$vdoc:meta])* $variant:ident => ($code:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and sent in the API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn label_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh),+
                }
            }

            pub fn label_en(self) -> &'static str {
                match self {
                    $($name::$variant => $en),+
                }
            }

            /// Reads the code or the Chinese label; anything else names every choice.
            pub fn parse(
                field: &str,
                input: &str,
            ) -> Result<$name, $crate::error::FieldError> {
                let s = input.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s || v.label_zh() == s)
                    .ok_or_else(|| {
                        $crate::error::FieldError::new(
                            field,
                            $error,
                            format!(
                                concat!("未知", $what_zh, " {}，可选: {}"),
                                s,
                                Self::ALL.iter().map(|v| v.label_zh()).collect::<Vec<_>>().join("、")
                            ),
                            format!(
                                concat!("unknown ", $what_en, " {}; one of: {}"),
                                s,
                                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                            ),
                        )
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use vocabulary;
