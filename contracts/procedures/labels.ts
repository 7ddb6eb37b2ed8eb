import type { AgencyId } from '../agencies';
import type { DataAccessPurpose } from '../data-access';
import type { civilStatusReasonCodes } from '../agency-messages/civil-status';
import type { residenceReasonCodes } from '../agency-messages/residence';
import type { socialInsuranceReasonCodes } from '../agency-messages/social-insurance';
import type { TaskStatus } from '../back-office';
import type { DossierStatus, StepStatus } from '../dossier-status';
import type { Labels } from './define';

/** The portal statuses of a dossier, as the National Public Service Portal words them. */
export const dossierStatusLabels = {
  submitted: { vi: 'Đã nộp', en: 'Submitted' },
  received: { vi: 'Đã tiếp nhận', en: 'Received' },
  processing: { vi: 'Đang xử lý', en: 'Processing' },
  'additional-info-requested': { vi: 'Yêu cầu bổ sung hồ sơ', en: 'More information requested' },
  processed: { vi: 'Đã có kết quả', en: 'Results ready' },
  'result-returned': { vi: 'Đã trả kết quả', en: 'Results returned' },
  'partially-completed': { vi: 'Hoàn thành một phần', en: 'Partly completed' },
  'not-accepted': { vi: 'Không được tiếp nhận', en: 'Not accepted' },
  withdrawn: { vi: 'Đã rút hồ sơ', en: 'Withdrawn' },
  rejected: { vi: 'Bị từ chối', en: 'Rejected' },
} as const satisfies Record<DossierStatus, Labels>;

/** A step's status inside a dossier. */
export const stepStatusLabels = {
  pending: { vi: 'Chưa bắt đầu', en: 'Not started' },
  sent: { vi: 'Đã chuyển cơ quan', en: 'Sent to the agency' },
  'in-progress': { vi: 'Đang xử lý', en: 'In progress' },
  'awaiting-agency-worker': { vi: 'Chờ cán bộ xử lý', en: 'Waiting for an agency officer' },
  'awaiting-citizen': { vi: 'Chờ người dân bổ sung', en: 'Waiting for your information' },
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  retrying: { vi: 'Đang gửi lại', en: 'Sent again' },
  completed: { vi: 'Hoàn thành', en: 'Completed' },
  rejected: { vi: 'Bị từ chối', en: 'Rejected' },
  failed: { vi: 'Lỗi, chờ quản trị viên', en: 'Failed, waiting for an operator' },
  skipped: { vi: 'Được quản trị viên xử lý thay', en: 'Completed by an operator' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
} as const satisfies Record<StepStatus, Labels>;

/** The agencies, as citizens know them. */
export const agencyLabels = {
  'civil-status': { vi: 'Ủy ban nhân dân cấp xã (hộ tịch)', en: "Commune People's Committee (civil status)" },
  residence: { vi: 'Công an cấp xã (cư trú)', en: 'Commune police (residence)' },
  'social-insurance': { vi: 'Bảo hiểm xã hội Việt Nam', en: 'Vietnam Social Security' },
} as const satisfies Record<AgencyId, Labels>;

const common = {
  PERSON_NOT_FOUND: {
    vi: 'Không tìm thấy số định danh cá nhân trong Cơ sở dữ liệu quốc gia về dân cư',
    en: 'The personal ID number is not in the national population database',
  },
  INFORMATION_NOT_SUPPLIED: {
    vi: 'Không bổ sung thông tin trong 7 ngày làm việc',
    en: 'The requested information was not supplied within 7 working days',
  },
  REJECTED_BY_OFFICER: { vi: 'Cán bộ từ chối (xem lý do)', en: 'Rejected by the officer (see the reason)' },
  CHILD_TOO_OLD: { vi: 'Trẻ đã đủ 6 tuổi', en: 'The child is 6 or older' },
} as const;

/** Why an agency may reject a step: the only codes a worker may choose, per agency. */
export const reasonCodeLabels = {
  'civil-status': {
    LATE_REGISTRATION: {
      vi: 'Quá 60 ngày kể từ ngày sinh: đăng ký khai sinh quá hạn',
      en: 'More than 60 days after the birth: late registration',
    },
    BIRTH_DATE_IN_FUTURE: { vi: 'Ngày sinh ở tương lai', en: 'The birth date is in the future' },
    CHILD_TOO_OLD: common.CHILD_TOO_OLD,
    PARENT_NOT_FOUND: {
      vi: 'Không tìm thấy cha hoặc mẹ trong Cơ sở dữ liệu quốc gia về dân cư',
      en: 'A parent is not in the national population database',
    },
    PARENT_DECEASED: { vi: 'Cha hoặc mẹ đã chết', en: 'A parent is deceased' },
    INVALID_NAME: { vi: 'Họ tên không hợp lệ', en: 'The name is not valid' },
    APPLICANT_NOT_ALLOWED: {
      vi: 'Người nộp không có quyền yêu cầu đăng ký',
      en: 'The applicant may not apply for this registration',
    },
    PERSON_NOT_FOUND: common.PERSON_NOT_FOUND,
    DUPLICATE_BIRTH_REGISTRATION: {
      vi: 'Trẻ đã được đăng ký khai sinh trong một hồ sơ khác',
      en: 'This birth is already registered in another dossier',
    },
    ALREADY_DECEASED: { vi: 'Người này đã được đăng ký khai tử', en: 'This person is already registered dead' },
    DEATH_REGISTRATION_LATE: {
      vi: 'Quá 15 ngày kể từ ngày chết',
      en: 'More than 15 days after the death',
    },
    INFORMATION_NOT_SUPPLIED: common.INFORMATION_NOT_SUPPLIED,
    REJECTED_BY_OFFICER: common.REJECTED_BY_OFFICER,
  } satisfies Record<(typeof civilStatusReasonCodes)[number], Labels>,
  residence: {
    ADDRESS_NOT_PARENT_RESIDENCE: {
      vi: 'Địa chỉ không phải nơi thường trú của cha hoặc mẹ',
      en: "The address is not the parent's permanent residence",
    },
    CONFIRMATION_MISSING: { vi: 'Thiếu xác nhận của cha hoặc mẹ', en: "The parent's confirmation is missing" },
    CONSENT_MISSING: {
      vi: 'Thiếu ý kiến đồng ý của chủ hộ hoặc chủ sở hữu',
      en: "The household head's or owner's consent is missing",
    },
    RESIDENCE_REGISTRATION_LATE: {
      vi: 'Quá 60 ngày kể từ ngày đăng ký khai sinh',
      en: 'More than 60 days after the birth registration',
    },
    PERSON_NOT_FOUND: common.PERSON_NOT_FOUND,
    NO_PERMANENT_RESIDENCE: { vi: 'Không có nơi thường trú', en: 'No permanent residence is registered' },
    INFORMATION_NOT_SUPPLIED: common.INFORMATION_NOT_SUPPLIED,
    REJECTED_BY_OFFICER: common.REJECTED_BY_OFFICER,
  } satisfies Record<(typeof residenceReasonCodes)[number], Labels>,
  'social-insurance': {
    CHILD_TOO_OLD: common.CHILD_TOO_OLD,
    NOT_ELIGIBLE: { vi: 'Không đủ điều kiện hưởng', en: 'Not eligible' },
    ALREADY_PAID: { vi: 'Đã chi trả cho người này', en: 'Already paid for this person' },
    CONFIRMATIONS_MISSING: {
      vi: 'Thiếu xác nhận của thân nhân về người đại diện',
      en: "A relative's confirmation of the representative is missing",
    },
    PERSON_NOT_FOUND: common.PERSON_NOT_FOUND,
    INFORMATION_NOT_SUPPLIED: common.INFORMATION_NOT_SUPPLIED,
    REJECTED_BY_OFFICER: common.REJECTED_BY_OFFICER,
  } satisfies Record<(typeof socialInsuranceReasonCodes)[number], Labels>,
} as const satisfies Record<AgencyId, Record<string, Labels>>;

/** A task's status in an agency's back office, as its workers read it. */
export const taskStatusLabels = {
  'awaiting-worker': { vi: 'Chờ xử lý', en: 'Waiting for an officer' },
  approved: { vi: 'Đã phê duyệt', en: 'Approved' },
  rejected: { vi: 'Đã từ chối', en: 'Rejected' },
  'information-requested': { vi: 'Đã yêu cầu bổ sung', en: 'Information requested' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
} as const satisfies Record<TaskStatus, Labels>;

/** Why the rules left a case to an agency worker (flags on a task). */
export const taskFlagLabels = {
  'civil-status': {
    'mother-deceased': { vi: 'Mẹ đã chết theo dữ liệu dân cư', en: 'The mother is recorded as deceased' },
    'father-deceased': { vi: 'Cha đã chết theo dữ liệu dân cư', en: 'The father is recorded as deceased' },
  },
  residence: {
    'old-birth-registration': {
      vi: 'Đăng ký khai sinh đã lâu, cần xác minh',
      en: 'The birth was registered long ago; verify',
    },
  },
  'social-insurance': {},
} as const satisfies Record<AgencyId, Record<string, Labels>>;

/** Why someone read a citizen's record, as the citizen's data-access log shows it. */
export const dataAccessPurposeLabels = {
  'own-record': { vi: 'Bạn xem thông tin của chính mình', en: 'You looked at your own record' },
  'family-record': {
    vi: 'Người thân xem thông tin gia đình (có bạn)',
    en: 'A relative looked at their family record, which shows you',
  },
  'application-check': {
    vi: 'Kiểm tra thông tin khi tiếp nhận hồ sơ',
    en: 'Checked when an application naming you was received',
  },
  'case-decision': { vi: 'Giải quyết thủ tục của hồ sơ', en: 'Deciding a step of the dossier' },
  notification: {
    vi: 'Lấy số điện thoại, thư điện tử để gửi thông báo về hồ sơ',
    en: 'Your phone number and e-mail read to send you a message about a dossier',
  },
} as const satisfies Record<DataAccessPurpose, Labels>;

/** Who holds or reads population data besides the agencies: the portal and the registry itself. */
export const organisationLabels = {
  ...agencyLabels,
  portal: { vi: 'Cổng dịch vụ công liên thông', en: 'The liên thông public-service portal' },
  notifications: {
    vi: 'Dịch vụ thông báo của Cổng (SMS, thư điện tử)',
    en: "The portal's notification service (SMS, e-mail)",
  },
  registry: {
    vi: 'Cơ sở dữ liệu quốc gia về dân cư (Bộ Công an)',
    en: 'National population database (Ministry of Public Security)',
  },
} as const satisfies Record<string, Labels>;
