//! The closed vocabularies of the catalog: item kind, check method, target
//! kind, severity. Each has a stable slug (stored, and in JSON), a Chinese and
//! an English label, and a parser that accepts what office spreadsheets write.

use crate::vocabulary::vocabulary;

vocabulary! {
    /// 衡量标准 (from the regulation) or 工作指标 (from policies).
    ItemKind {
        Standard => "standard", "衡量标准", "standard", ["标准", "s", "衡量"];
        Indicator => "indicator", "工作指标", "indicator", ["指标", "i", "工作"];
    }
}

vocabulary! {
    /// How an inspector checks an item.
    CheckMethod {
        Documents => "documents", "查阅资料", "document review", ["查资料", "查阅台账", "资料查阅", "查阅档案", "听取汇报"];
        Site => "site", "现场查看", "on-site check", ["实地查看", "现场检查", "现场察看", "实地检查"];
        Interview => "interview", "询问座谈", "interviews", ["座谈", "询问", "走访询问", "个别访谈", "访谈"];
        Sampling => "sampling", "抽查", "spot check", ["随机抽查", "抽样检查", "暗访"];
    }
}

vocabulary! {
    /// What an inspection looks at: a facility of some type, a county/district
    /// government (for the work indicators), or a department.
    TargetKind {
        ElderlyCareInstitution => "elderly_care_institution", "养老机构", "elderly-care institution", ["养老院", "社会福利院", "福利院", "公办养老机构", "民办养老机构", "公建民营养老机构"];
        DestituteSupportHome => "destitute_support_home", "特困供养机构", "home for the destitute", ["乡镇敬老院", "敬老院", "特困人员供养服务机构", "特困供养服务机构", "农村敬老院", "特困供养机构/乡镇敬老院"];
        RegionalCenter => "regional_center", "区域养老服务中心", "regional elder-care centre", ["区域性养老服务中心", "乡镇区域养老服务中心"];
        CommunityCenter => "community_center", "社区养老服务中心", "community elder-care centre", ["社区养老服务站", "社区养老服务中心/站", "社区日间照料中心", "日间照料中心", "乐养居"];
        VillageMutualAid => "village_mutual_aid", "村级互助养老服务站", "village mutual-aid station", ["互助养老服务站", "集中互助养老服务站", "村级互助幸福院", "互助幸福院"];
        SmallGroupCarePoint => "small_group_care_point", "小型集中养老服务点", "small group-care point", ["小型集中养老点"];
        HomeCarePoint => "home_care_point", "居家养老服务点", "home-care point", ["居家养老服务站"];
        MedicalCareInstitution => "medical_care_institution", "医养结合机构", "medical-elderly care institution", ["医养结合养老机构", "医养结合服务机构"];
        CountyGovernment => "county_government", "县（市、区）政府", "county/district government", ["县(市、区)人民政府", "县区政府", "县级政府", "县（市、区）人民政府", "政府"];
        Department => "department", "职能部门", "department", ["部门", "政府部门", "相关部门"];
    }
}

impl TargetKind {
    pub fn is_facility(self) -> bool {
        !matches!(self, TargetKind::CountyGovernment | TargetKind::Department)
    }

    pub fn facility_kinds() -> impl Iterator<Item = TargetKind> {
        TargetKind::ALL.iter().copied().filter(|k| k.is_facility())
    }
}

vocabulary! {
    /// How grave a failure is. 重大隐患 = a major accident hazard.
    Severity {
        General => "general", "一般", "minor", ["一般问题", "轻微"];
        Serious => "serious", "较重", "serious", ["较重问题", "较严重", "严重"];
        Major => "major", "重大隐患", "major hazard", ["重大", "重大事故隐患", "重大问题"];
    }
}

vocabulary! {
    /// How a facility is run: 公办 / 公建民营 / 民办.
    OperatorType {
        Public => "public", "公办", "public", ["公办公营", "政府办", "国有"];
        PublicPrivate => "public_private", "公建民营", "publicly built, privately run", ["公办民营"];
        Private => "private", "民办", "private", ["社会办", "民营", "民办民营"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use rstest::rstest;

    #[rstest]
    #[case("衡量标准", Some(ItemKind::Standard))]
    #[case(" 工作指标 ", Some(ItemKind::Indicator))]
    #[case("indicator", Some(ItemKind::Indicator))]
    #[case("指 标", Some(ItemKind::Indicator))]
    #[case("条款", None)]
    fn item_kinds_parse(#[case] s: &str, #[case] want: Option<ItemKind>) {
        assert_eq!(ItemKind::parse(s), want);
    }

    #[rstest]
    #[case("乡镇敬老院", Some(TargetKind::DestituteSupportHome))]
    #[case("县(市、区)人民政府", Some(TargetKind::CountyGovernment))]
    #[case("县（市、区）政府", Some(TargetKind::CountyGovernment))]
    #[case("社区养老服务中心/站", Some(TargetKind::CommunityCenter))]
    #[case("托儿所", None)]
    fn target_kinds_parse(#[case] s: &str, #[case] want: Option<TargetKind>) {
        assert_eq!(TargetKind::parse(s), want);
    }

    #[test]
    fn slugs_round_trip_for_every_vocabulary() {
        for k in TargetKind::ALL {
            assert_eq!(TargetKind::from_slug(k.slug()), Some(*k));
            assert_eq!(TargetKind::parse(k.label(Lang::Zh)), Some(*k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::String(k.slug().into()));
        }
        for s in Severity::ALL {
            assert_eq!(Severity::parse(s.label(Lang::Zh)), Some(*s));
        }
        for m in CheckMethod::ALL {
            assert_eq!(CheckMethod::parse(m.label(Lang::Zh)), Some(*m));
        }
        assert_eq!(TargetKind::facility_kinds().count(), 8);
    }
}
