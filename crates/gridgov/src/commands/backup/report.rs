//! What backup and restore print: the contents by table, and what the backup does not hold.

use gridgov_store::backup::Inventory;

/// `regions 区划 1105 · users 用户 3 · …`, for the main tables present.
pub fn contents_line(inventory: &Inventory) -> String {
    inventory
        .counts
        .iter()
        .map(|(table, n)| format!("{} {n}", label(table)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn label(table: &str) -> &str {
    match table {
        "regions" => "regions 区划",
        "users" => "users 用户",
        "audit_log" => "audit records 审计记录",
        "grids" => "grids 网格",
        "buildings" => "buildings 楼栋",
        "houses" => "houses 房屋",
        "persons" => "persons 人口",
        other => other,
    }
}

/// Printed after every backup: the keys are kept elsewhere, on purpose.
pub fn print_keys_not_included(key_check: Option<&str>) {
    println!();
    println!(
        "NOT in the backup: the data key (data_key / GRIDGOV_DATA_KEY, or data.key in the data \
         directory) and the secret key (secret_key / GRIDGOV_SECRET_KEY, or secret.key). Keep \
         them separately, apart from the backups: without the data key the sealed ID numbers and \
         phones of this backup cannot be read, and with it anyone holding the backup can read \
         them."
    );
    println!(
        "备份中不含数据密钥（data_key / GRIDGOV_DATA_KEY，或数据目录中的 data.key）和会话密钥\
         （secret_key / GRIDGOV_SECRET_KEY，或 secret.key）。请另行保管，并与备份分开存放：没有数据\
         密钥，备份中加密的身份证号和电话无法读取；持有备份和数据密钥的人则都能读取。"
    );
    match key_check {
        Some(c) => println!(
            "data key check of this backup / 本备份的数据密钥校验值: {c} (the same key shows the \
             same check / 同一密钥校验值相同)"
        ),
        None => println!(
            "this backup holds no sealed data yet: no data key was ever confirmed / \
             本备份尚无加密数据（从未确认过数据密钥）"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contents_read_in_both_languages() {
        let inv = Inventory {
            tables: vec![],
            migrations: vec![],
            key_check: None,
            counts: vec![("regions".into(), 1105), ("persons".into(), 20)],
        };
        assert_eq!(contents_line(&inv), "regions 区划 1105 · persons 人口 20");
    }
}
