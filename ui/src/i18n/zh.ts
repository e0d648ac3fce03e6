// The Chinese texts of the UI: the first language, and the one every other
// dictionary must match key for key (see `Messages`).

import type { CheckMethod } from '../bindings/CheckMethod';
import type { ItemKind } from '../bindings/ItemKind';
import type { OperatorType } from '../bindings/OperatorType';
import type { Severity } from '../bindings/Severity';
import type { TargetKind } from '../bindings/TargetKind';

/** Keys of the closed vocabularies of the core; every member must have a label. */
export type VocabularyKey =
  | `itemKind.${ItemKind}`
  | `checkMethod.${CheckMethod}`
  | `severity.${Severity}`
  | `operatorType.${OperatorType}`
  | `targetKind.${TargetKind}`;

export const zh = {
  'app.title': '养老服务监督清单',
  'app.subtitle': '人大联动监督',

  'nav.label': '主导航',
  'nav.catalog': '内容清单',
  'nav.catalogHint': '衡量标准与工作指标',
  'nav.departments': '责任清单',
  'nav.departmentsHint': '部门职责',
  'nav.facilities': '检查对象',
  'nav.facilitiesHint': '养老服务机构台账',

  'header.activeCatalog': '启用清单',
  'header.noActiveCatalog': '尚未启用内容清单',
  'header.reference': '参考版',
  'header.dataFile': '数据文件',
  'header.appVersion': '程序版本 {version}',
  'header.langToggle': 'English',
  'header.langToggleTitle': '切换为英文界面',

  'common.loading': '正在加载…',
  'common.none': '—',
  'common.notRated': '未评星',
  'common.retry': '重新加载',
  'common.clear': '清除',
  'common.colon': '：',

  'error.problems': '问题所在位置',
  'error.action': '处理建议',

  'catalog.tabsLabel': '条目类型',
  'catalog.groups': '分类',
  'catalog.allGroups': '全部分类',
  'catalog.searchPlaceholder': '搜索编号、标题、要求、依据或常见问题',
  'catalog.searchShortcut': '按 / 键或 Ctrl+F 开始搜索',
  'catalog.resultCount': '共 {n} 项',
  'catalog.otherKindHits': '{kind}中另有 {n} 项相符',
  'catalog.keyboardHint': '↑ ↓ 选择条目，Enter 查看详情',
  'catalog.version': '清单版本',
  'catalog.versionActive': '启用中',
  'catalog.versionImportedAt': '导入时间：{time}',
  'catalog.versionCounts': '衡量标准 {s} 项，工作指标 {i} 项，共 {g} 个分类',
  'catalog.versionNote': '在此切换仅改变所查看的版本，不改变启用版本。',
  'catalog.browsingInactive': '当前查看的是未启用的版本“{name}”，新建检查仍使用启用版本。',
  'catalog.emptyNoCatalog': '尚未导入内容清单，请使用“qingdan catalog import”导入。',
  'catalog.emptyNoResults': '未找到与“{q}”相符的条目，请更换关键词或清除分类筛选。',
  'catalog.emptyGroup': '该分类下暂无条目。',
  'catalog.detailPlaceholder': '请在列表中选择条目，查看具体要求和依据。',
  'catalog.codeNotFound': '当前查看的清单版本中没有编号为 {code} 的条目。',
  'catalog.majorHazard': '重大隐患',
  'catalog.detail.requirement': '具体要求',
  'catalog.detail.basis': '依据',
  'catalog.detail.methods': '检查方式',
  'catalog.detail.appliesTo': '适用对象',
  'catalog.detail.departments': '责任部门',
  'catalog.detail.severity': '默认问题等级',
  'catalog.detail.findings': '常见问题',
  'catalog.detail.group': '所属分类',
  'catalog.detail.notListed': '未列明',

  'departments.count': '共 {n} 个部门',
  'departments.dutyCount': '{n} 项职责',
  'departments.duties': '主要职责',
  'departments.linkedItems': '对应条目',
  'departments.noLinkedItems': '未关联条目',
  'departments.empty': '尚未导入责任清单，请使用命令行工具“qingdan”导入部门职责。',
  'departments.noDuties': '该部门尚未列明职责。',
  'departments.selectHint': '请在左侧选择部门，查看其职责及对应条目。',
  'departments.openItem': '在内容清单中查看 {code}',
  'departmentKind.government': '政府部门',
  'departmentKind.massOrganisation': '群团组织',
  'departmentKind.other': '其他',

  'facilities.county': '县（市、区）',
  'facilities.allCounties': '全部县（市、区）',
  'facilities.kind': '机构类型',
  'facilities.allKinds': '全部类型',
  'facilities.searchPlaceholder': '搜索名称、地址、运营单位、乡镇或联系人',
  'facilities.count': '共 {n} 家',
  'facilities.col.name': '名称',
  'facilities.col.kind': '类型',
  'facilities.col.county': '县区',
  'facilities.col.township': '乡镇（街道）',
  'facilities.col.operatorType': '运营方式',
  'facilities.col.beds': '床位',
  'facilities.col.residents': '入住',
  'facilities.col.stars': '星级',
  'facilities.col.contact': '联系人',
  'facilities.field.address': '地址',
  'facilities.field.operator': '运营单位',
  'facilities.field.phone': '联系电话',
  'facilities.field.createdAt': '登记时间',
  'facilities.field.updatedAt': '最近更新',
  'facilities.bedsValue': '{n} 张',
  'facilities.residentsValue': '{n} 人',
  'facilities.drawerTitle': '检查对象详情',
  'facilities.emptyNone': '尚未登记检查对象，请使用命令行工具“qingdan”导入机构台账。',
  'facilities.emptyFiltered': '没有符合条件的检查对象，请调整县区、类型或关键词。',

  'itemKind.standard': '衡量标准',
  'itemKind.indicator': '工作指标',

  'checkMethod.documents': '查阅资料',
  'checkMethod.site': '现场查看',
  'checkMethod.interview': '询问座谈',
  'checkMethod.sampling': '抽查',

  'severity.general': '一般',
  'severity.serious': '较重',
  'severity.major': '重大隐患',

  'operatorType.public': '公办',
  'operatorType.public_private': '公建民营',
  'operatorType.private': '民办',

  'targetKind.elderly_care_institution': '养老机构',
  'targetKind.destitute_support_home': '特困供养机构',
  'targetKind.regional_center': '区域养老服务中心',
  'targetKind.community_center': '社区养老服务中心',
  'targetKind.village_mutual_aid': '村级互助养老服务站',
  'targetKind.small_group_care_point': '小型集中养老服务点',
  'targetKind.home_care_point': '居家养老服务点',
  'targetKind.medical_care_institution': '医养结合机构',
  'targetKind.county_government': '县（市、区）政府',
  'targetKind.department': '职能部门',
} satisfies Record<VocabularyKey, string> & Record<string, string>;

export type MessageKey = keyof typeof zh;

/** A dictionary of another language: exactly the keys of `zh`, no more, no fewer. */
export type Messages = { readonly [K in MessageKey]: string };
