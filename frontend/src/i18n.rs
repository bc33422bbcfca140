//! The page's languages: English and Simplified Chinese. Every text of the page's own lives in a
//! message file (`messages/en.json`, `messages/zh-CN.json`), by key; components ask for it in the
//! language of the page ([`use_lang`]). A test fails on a key missing from either file, or used in the
//! code and missing from them.
//!
//! A seed program's description is the preset's own (English, in the engine's presets); its Chinese
//! is in `messages/presets.zh-CN.json`, by the program's id.
//!
//! What a program prints is never translated: it is what Python prints.
//!
//! The language comes from the URL (`?lang=zh-CN`), else from the browser's preferred languages; the
//! page's switch changes it and writes it into the URL.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

type Messages = HashMap<String, String>;

fn parse(json: &str) -> Messages {
    serde_json::from_str(json).expect("a message file is a flat JSON object of strings")
}

fn messages(lang: Lang) -> &'static Messages {
    static EN: OnceLock<Messages> = OnceLock::new();
    static ZH_CN: OnceLock<Messages> = OnceLock::new();
    match lang {
        Lang::En => EN.get_or_init(|| parse(include_str!("../messages/en.json"))),
        Lang::ZhCn => ZH_CN.get_or_init(|| parse(include_str!("../messages/zh-CN.json"))),
    }
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag: `en`, `zh-CN`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    /// The language a tag asks for: any `zh` is Simplified Chinese, any `en` English.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The URL's `lang`, else the first of the browser's languages the page has, else English.
    pub fn choose(from_url: Option<&str>, browser: &[String]) -> Lang {
        from_url
            .and_then(Lang::from_tag)
            .or_else(|| browser.iter().find_map(|tag| Lang::from_tag(tag)))
            .unwrap_or_default()
    }

    /// The text `key` in this language (the key itself if it has none: a test keeps that from
    /// happening).
    pub fn t(self, key: &str) -> &'static str {
        match messages(self).get(key) {
            Some(text) => text.as_str(),
            None => messages(Lang::En)
                .get(key)
                .map_or("(missing text)", String::as_str),
        }
    }

    /// What the seed program `preset` shows, in this language.
    pub fn preset_description(self, preset: &futurelab_seeds::presets::Preset) -> &'static str {
        static ZH_CN: OnceLock<Messages> = OnceLock::new();
        self.of_preset(preset.id, preset.description, || {
            ZH_CN.get_or_init(|| parse(include_str!("../messages/presets.zh-CN.json")))
        })
    }

    /// The seed program's title, in this language.
    pub fn preset_title(self, preset: &futurelab_seeds::presets::Preset) -> &'static str {
        static ZH_CN: OnceLock<Messages> = OnceLock::new();
        self.of_preset(preset.id, preset.title, || {
            ZH_CN.get_or_init(|| parse(include_str!("../messages/preset-titles.zh-CN.json")))
        })
    }

    /// A preset's text: the English one it carries, or its Chinese one by its id.
    fn of_preset(
        self,
        id: &str,
        english: &'static str,
        chinese: impl FnOnce() -> &'static Messages,
    ) -> &'static str {
        match self {
            Lang::En => english,
            Lang::ZhCn => chinese().get(id).map_or(english, String::as_str),
        }
    }

    /// The text `key` with each `{name}` replaced by its argument.
    pub fn f(self, key: &str, args: &[(&str, &dyn Display)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }

    /// A count in words: `one`'s text for 1, else `many`'s with `{n}` the count ("1 thread",
    /// "3 threads"). Chinese has one form for both, written under both keys.
    pub fn count(self, one: &str, many: &str, n: usize) -> String {
        self.f(if n == 1 { one } else { many }, &[("n", &n)])
    }
}

/// The page's language (English outside the app's provider).
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(lang: Lang) -> BTreeSet<&'static str> {
        messages(lang).keys().map(String::as_str).collect()
    }

    #[test]
    fn both_languages_have_every_key() {
        let (en, zh) = (keys(Lang::En), keys(Lang::ZhCn));
        let only_en: Vec<_> = en.difference(&zh).collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
        assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
        for lang in Lang::ALL {
            for (key, text) in messages(lang) {
                assert!(!text.trim().is_empty(), "{key} is empty in {}", lang.tag());
            }
        }
    }

    #[test]
    fn every_key_the_code_asks_for_exists_and_every_key_is_used() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        // The first words of the keys (`timeline` of `timeline.summary`).
        let prefixes: BTreeSet<&str> = keys(Lang::En)
            .into_iter()
            .map(|k| k.split('.').next().unwrap())
            .collect();
        let mut used = BTreeSet::new();
        let mut files = vec![src];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // Every string literal shaped like a key (`speed.x5`, `timeline.summary`): passed to
                // `.t()` or `.f()` directly, or kept in a table first (the speeds, the pairs).
                for (i, literal) in text.split('"').enumerate() {
                    let shaped = literal.split('.').count() >= 2
                        && literal.split('.').all(|part| {
                            !part.is_empty()
                                && part.bytes().all(|b| {
                                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
                                })
                        });
                    if i % 2 == 1 && shaped && prefixes.contains(literal.split('.').next().unwrap())
                    {
                        used.insert(literal.to_string());
                    }
                }
            }
        }
        // The lessons' texts, named by each lesson's key.
        for lesson in crate::programs::lesson::LESSONS {
            used.insert(format!("lesson.{}.title", lesson.key));
            used.insert(format!("lesson.{}.body", lesson.key));
        }
        assert!(
            used.len() > 50,
            "only {} keys found in the code",
            used.len()
        );
        let placeholders = |text: &str| -> BTreeSet<String> {
            text.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
                .collect()
        };
        for key in &used {
            for lang in Lang::ALL {
                assert!(
                    messages(lang).contains_key(key.as_str()),
                    "{key} is used but missing in {}",
                    lang.tag()
                );
            }
            // A translation fills in only values the code gives (the English text's); it may leave one
            // out (`{suffix}` of `1st` has no place in `第 1 个`).
            let given = placeholders(Lang::En.t(key));
            assert!(
                placeholders(Lang::ZhCn.t(key)).is_subset(&given),
                "{key}: zh-CN asks for a value the code does not give"
            );
        }
        let unused: Vec<_> = keys(Lang::En)
            .into_iter()
            .filter(|k| !used.contains(*k))
            .collect();
        assert!(unused.is_empty(), "keys no code uses: {unused:?}");
    }

    #[test]
    fn every_seed_program_is_described_and_titled_in_chinese_and_nothing_else_is() {
        let ids: BTreeSet<&str> = futurelab_seeds::presets::all()
            .iter()
            .map(|p| p.id)
            .collect();
        for file in [
            include_str!("../messages/presets.zh-CN.json"),
            include_str!("../messages/preset-titles.zh-CN.json"),
        ] {
            let zh = parse(file);
            let given: BTreeSet<&str> = zh.keys().map(String::as_str).collect();
            assert_eq!(ids, given);
        }
        for preset in futurelab_seeds::presets::all() {
            assert_ne!(
                Lang::ZhCn.preset_description(preset),
                preset.description,
                "{}",
                preset.id
            );
            assert_ne!(
                Lang::ZhCn.preset_title(preset),
                preset.title,
                "{}",
                preset.id
            );
            assert_eq!(Lang::En.preset_description(preset), preset.description);
            assert_eq!(Lang::En.preset_title(preset), preset.title);
        }
    }

    #[test]
    fn the_language_comes_from_the_url_then_the_browser() {
        let zh = ["zh-TW".to_string()];
        assert_eq!(Lang::choose(Some("zh-CN"), &[]), Lang::ZhCn);
        assert_eq!(Lang::choose(Some("en"), &zh), Lang::En);
        assert_eq!(Lang::choose(Some("fr"), &zh), Lang::ZhCn);
        assert_eq!(
            Lang::choose(None, &["de".into(), "zh_Hans".into()]),
            Lang::ZhCn
        );
        assert_eq!(Lang::choose(None, &["de".into()]), Lang::En);
    }

    #[test]
    fn counts_are_words_of_one_or_of_many() {
        let threads = |lang: Lang, n| lang.count("count.threads_one", "count.threads_many", n);
        let gil = |lang: Lang, n| lang.count("count.gil_taken_one", "count.gil_taken_many", n);
        assert_eq!(threads(Lang::En, 1), "1 thread");
        assert_eq!(threads(Lang::En, 0), "0 threads");
        assert_eq!(threads(Lang::En, 3), "3 threads");
        assert_eq!(gil(Lang::En, 1), "the GIL taken once");
        assert_eq!(gil(Lang::En, 7), "the GIL taken 7 times");
        assert_eq!(threads(Lang::ZhCn, 1), "1 个线程");
        assert_eq!(threads(Lang::ZhCn, 3), "3 个线程");
        assert_eq!(gil(Lang::ZhCn, 1), "GIL 被获取 1 次");
        assert_eq!(gil(Lang::ZhCn, 7), "GIL 被获取 7 次");
        // Every pair of forms, in both languages: the form of one never says another number.
        for lang in Lang::ALL {
            for (key, text) in messages(lang) {
                if let Some(base) = key.strip_suffix("_one") {
                    assert!(
                        messages(lang).contains_key(&format!("{base}_many")),
                        "{key} without {base}_many"
                    );
                    assert!(!text.contains("{n}"), "{key}: {text}");
                }
            }
        }
    }
}
