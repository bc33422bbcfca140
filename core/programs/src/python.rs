pub fn to_python(_p: &crate::Program) -> String { String::new() }
