import type { Labels } from '../../contracts/procedures';

/** The languages of the pages: Vietnamese by default, English by the switch or the browser's preference. */
export const languages = ['vi', 'en'] as const;
export type Lang = (typeof languages)[number];

/**
 * The pages' own words, each with its translation beside it. What a procedure, step, agency,
 * status or reason is called comes from the catalogue (contracts/procedures/labels.ts), never from here.
 */
export const words = {
  serviceName: { vi: 'Cổng dịch vụ công liên thông', en: 'Liên thông public services' },
  skipToContent: { vi: 'Chuyển đến nội dung chính', en: 'Skip to main content' },
  switchLanguage: { vi: 'English', en: 'Tiếng Việt' },
  switchLanguageLabel: { vi: 'Switch to English', en: 'Chuyển sang tiếng Việt' },
  signIn: { vi: 'Đăng nhập', en: 'Sign in' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },
  signedInAs: { vi: 'Đã đăng nhập:', en: 'Signed in as' },
  signInTitle: { vi: 'Đăng nhập bằng người dùng thử', en: 'Sign in as a demo user' },
  signInLead: {
    vi: 'Đây là nhà cung cấp định danh dùng để phát triển và thử nghiệm. Chọn một người dùng thử.',
    en: 'This is the development identity provider. Pick a demo user.',
  },
  signInUser: { vi: 'Người dùng', en: 'User' },
  signInDisabled: {
    vi: 'Đăng nhập thử đã tắt. Hãy đăng nhập qua nhà cung cấp định danh của cổng.',
    en: "The development sign-in is turned off. Sign in through the portal's identity provider.",
  },
  signInRequired: { vi: 'Bạn cần đăng nhập để xem trang này.', en: 'You need to sign in to see this page.' },
  roles: {
    citizen: { vi: 'Người dân', en: 'Citizen' },
    'agency-worker': { vi: 'Cán bộ cơ quan', en: 'Agency worker' },
    operator: { vi: 'Vận hành viên', en: 'Operator' },
    auditor: { vi: 'Kiểm toán viên', en: 'Auditor' },
  },
  continue: { vi: 'Tiếp tục', en: 'Continue' },
  back: { vi: 'Quay lại', en: 'Back' },
  home: { vi: 'Hồ sơ của tôi', en: 'My dossiers' },
  myDossiersLead: { vi: 'Hồ sơ mới nhất ở trên cùng.', en: 'Newest first.' },
  noDossiers: { vi: 'Bạn chưa có hồ sơ nào.', en: 'You have no dossiers yet.' },
  apply: { vi: 'Nộp hồ sơ', en: 'Apply' },
  applyFor: { vi: 'Nộp hồ sơ:', en: 'Apply for:' },
  dataAccessLink: { vi: 'Ai đã xem thông tin của tôi', en: 'Who looked at my data' },
  dossierId: { vi: 'Mã hồ sơ', en: 'Dossier number' },
  submittedAt: { vi: 'Ngày nộp', en: 'Submitted on' },
  status: { vi: 'Trạng thái', en: 'Status' },
  waitingOn: { vi: 'Đang chờ', en: 'Waiting on' },
  nothingWaiting: { vi: 'Không còn bước nào đang chờ', en: 'No step is waiting' },
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  fromRegistry: {
    vi: 'Thông tin lấy từ Cơ sở dữ liệu quốc gia về dân cư',
    en: 'Information from the national population database',
  },
  fromRegistryHint: {
    vi: 'Bạn không cần nhập lại. Nếu thông tin sai, hãy liên hệ Công an cấp xã.',
    en: 'You do not need to type it again. If it is wrong, contact the commune police.',
  },
  applicant: { vi: 'Người nộp hồ sơ', en: 'Applicant' },
  mother: { vi: 'Mẹ', en: 'Mother' },
  father: { vi: 'Cha', en: 'Father' },
  personalIdNumber: { vi: 'Số định danh cá nhân', en: 'Personal ID number' },
  fullName: { vi: 'Họ, chữ đệm và tên', en: 'Full name' },
  childSection: { vi: 'Thông tin của trẻ', en: "The child's details" },
  childName: { vi: 'Họ, chữ đệm và tên của trẻ', en: "Child's full name" },
  childNameHint: {
    vi: 'Như trên giấy chứng sinh; chỉ chữ cái và khoảng trắng.',
    en: 'As on the hospital birth certificate; letters and spaces only.',
  },
  sex: { vi: 'Giới tính', en: 'Sex' },
  male: { vi: 'Nam', en: 'Male' },
  female: { vi: 'Nữ', en: 'Female' },
  birthDate: { vi: 'Ngày sinh', en: 'Date of birth' },
  dateHint: { vi: 'Ví dụ: 27/03/2026', en: 'For example, 27/03/2026 (day/month/year)' },
  birthPlace: { vi: 'Nơi sinh', en: 'Place of birth' },
  province: { vi: 'Tỉnh, thành phố', en: 'Province or city' },
  commune: { vi: 'Xã, phường, đặc khu', en: 'Commune, ward or special zone' },
  street: { vi: 'Số nhà, đường phố hoặc cơ sở y tế', en: 'House number and street, or the hospital' },
  choose: { vi: '— Chọn —', en: '— Choose —' },
  showCommunes: {
    vi: 'Hiện các xã, phường của tỉnh đã chọn',
    en: 'Show the communes and wards of the chosen province',
  },
  birthCertificateReference: { vi: 'Số giấy chứng sinh', en: 'Hospital birth certificate number' },
  birthCertificateHint: {
    vi: 'Số in trên giấy chứng sinh do cơ sở y tế cấp.',
    en: 'The number printed on the certificate the hospital gave you.',
  },
  residenceSection: { vi: 'Đăng ký thường trú cho trẻ', en: "The child's permanent residence" },
  residenceAt: { vi: 'Trẻ được đăng ký thường trú tại', en: 'The child is registered at' },
  residenceMissing: {
    vi: 'Bạn chưa có nơi thường trú trong Cơ sở dữ liệu quốc gia về dân cư; nhập nơi thường trú của cha hoặc mẹ.',
    en: 'The national population database has no permanent residence for you; give a parent’s permanent residence.',
  },
  parentConfirmed: {
    vi: 'Tôi xác nhận đăng ký thường trú cho trẻ tại nơi thường trú của tôi',
    en: 'I confirm the child is registered at my permanent residence',
  },
  householdHeadConsent: { vi: 'Chủ hộ đồng ý', en: 'The household head agrees' },
  ownerConsent: { vi: 'Chủ sở hữu chỗ ở đồng ý', en: 'The owner of the dwelling agrees' },
  yes: { vi: 'Có', en: 'Yes' },
  no: { vi: 'Không', en: 'No' },
  submit: { vi: 'Nộp hồ sơ', en: 'Submit the application' },
  cannotApplyBirth: {
    vi: 'Cơ sở dữ liệu quốc gia về dân cư không cho thấy bạn có thể nộp hồ sơ khai sinh với tư cách cha hoặc mẹ.',
    en: 'The national population database does not show you as a parent who can apply for a birth.',
  },
  errorSummaryTitle: { vi: 'Có lỗi cần sửa', en: 'There is a problem' },
  deathWho: { vi: 'Người đã mất', en: 'Who died' },
  deathWhoHint: {
    vi: 'Những người thân còn sống mà Cơ sở dữ liệu quốc gia về dân cư ghi nhận.',
    en: 'Your living relatives as the national population database records them.',
  },
  noDeathCandidates: {
    vi: 'Cơ sở dữ liệu quốc gia về dân cư không ghi nhận người thân nào mà bạn có thể khai tử.',
    en: 'The national population database records no relative whose death you can register.',
  },
  relationship: {
    spouse: { vi: 'Vợ hoặc chồng của bạn', en: 'Your spouse' },
    child: { vi: 'Cha hoặc mẹ của bạn', en: 'Your parent' },
    parent: { vi: 'Con của bạn', en: 'Your child' },
  },
  survivorRelationship: {
    spouse: { vi: 'Vợ hoặc chồng', en: 'Spouse' },
    child: { vi: 'Con', en: 'Child' },
    parent: { vi: 'Cha hoặc mẹ', en: 'Parent' },
  },
  dateOfDeath: { vi: 'Ngày mất', en: 'Date of death' },
  placeOfDeath: { vi: 'Nơi mất', en: 'Place of death' },
  deathNoticeReference: { vi: 'Số giấy báo tử', en: 'Death notice number' },
  deathNoticeHint: {
    vi: 'Số in trên giấy báo tử do bệnh viện hoặc cơ quan có thẩm quyền cấp.',
    en: 'The number printed on the death notice from the hospital or authority.',
  },
  occupationalCause: {
    vi: 'Mất do tai nạn lao động hoặc bệnh nghề nghiệp',
    en: 'Died of an occupational accident or disease',
  },
  variant: { vi: 'Bạn muốn làm những thủ tục nào?', en: 'Which procedures do you need?' },
  survivors: { vi: 'Thân nhân cử người đại diện', en: 'Relatives naming a representative' },
  survivorsHint: {
    vi: 'Chỉ cần cho trợ cấp tuất. Đánh dấu những thân nhân đã đồng ý cử người đại diện.',
    en: 'Only for the survivor benefit. Tick each relative who agrees on the representative.',
  },
  representative: { vi: 'Người đại diện nhận trợ cấp', en: 'Representative who receives the benefit' },
  confirms: { vi: 'đồng ý cử người đại diện', en: 'agrees on the representative' },
  dossierTitle: { vi: 'Hồ sơ', en: 'Dossier' },
  steps: { vi: 'Các bước xử lý', en: 'Steps' },
  agency: { vi: 'Cơ quan', en: 'Agency' },
  attempts: { vi: 'Số lần gửi', en: 'Attempts' },
  dueAt: { vi: 'Hạn giải quyết theo luật', en: 'Legal due date' },
  finishedAt: { vi: 'Hoàn thành lúc', en: 'Finished' },
  result: { vi: 'Kết quả', en: 'Result' },
  printResult: { vi: 'Xem và in kết quả', en: 'View and print the result' },
  reason: { vi: 'Lý do', en: 'Reason' },
  needsReview: { vi: 'Cần cán bộ xem xét vì', en: 'An officer reviews it because' },
  liveUpdates: {
    vi: 'Trang tự cập nhật khi hồ sơ thay đổi. Tải lại trang để xem trạng thái mới nhất.',
    en: 'This page updates itself when the dossier changes. Reload it to see the latest status.',
  },
  informationRequested: { vi: 'Cơ quan cần bạn bổ sung thông tin', en: 'The agency needs more information' },
  informationDeadline: {
    vi: 'Bạn có 7 ngày làm việc để bổ sung, nếu không hồ sơ sẽ bị từ chối.',
    en: 'You have 7 working days to answer; otherwise the dossier is rejected.',
  },
  sendInformation: { vi: 'Gửi thông tin bổ sung', en: 'Send the information' },
  withdrawTitle: { vi: 'Rút hồ sơ', en: 'Withdraw the dossier' },
  withdrawLead: {
    vi: 'Các bước chưa hoàn thành sẽ bị hủy tại cơ quan. Các kết quả đã có vẫn giữ nguyên.',
    en: 'The steps not yet completed are cancelled at their agencies. Results already issued stay.',
  },
  withdrawReason: { vi: 'Lý do rút hồ sơ', en: 'Why you withdraw it' },
  withdraw: { vi: 'Rút hồ sơ', en: 'Withdraw' },
  withdrawn: { vi: 'Bạn đã rút hồ sơ.', en: 'You withdrew the dossier.' },
  informationSent: { vi: 'Đã gửi thông tin bổ sung.', en: 'The information was sent.' },
  submitted: { vi: 'Đã nộp hồ sơ', en: 'Application submitted' },
  submittedLead: { vi: 'Mã hồ sơ của bạn là', en: 'Your dossier number is' },
  applicationLink: { vi: 'Xem hồ sơ', en: 'View the dossier' },
  citizenNav: { vi: 'Trang của tôi', en: 'My pages' },
  messagesLink: { vi: 'Thông báo đã gửi cho tôi', en: 'Messages sent to me' },
  messagesTitle: { vi: 'Thông báo', en: 'Messages' },
  messagesLead: {
    vi: 'Tin nhắn SMS và thư điện tử Cổng đã gửi cho bạn về hồ sơ, mới nhất ở trên cùng.',
    en: 'The text messages and e-mails the portal sent you about your dossiers, newest first.',
  },
  messagesNone: { vi: 'Chưa có thông báo nào.', en: 'No messages yet.' },
  channelSms: { vi: 'SMS', en: 'SMS' },
  channelEmail: { vi: 'Thư điện tử', en: 'E-mail' },
  sentTo: { vi: 'Gửi đến', en: 'Sent to' },
  messageSubject: { vi: 'Tiêu đề', en: 'Subject' },
  messageKinds: {
    'information-requested': { vi: 'Yêu cầu bổ sung thông tin', en: 'Information requested' },
    'step-overdue': { vi: 'Một bước bị quá hạn', en: 'A step is late' },
    'dossier-finished': { vi: 'Hồ sơ đã có kết quả', en: 'Your dossier has a result' },
  },
  messageStates: {
    pending: { vi: 'Đang gửi', en: 'Being sent' },
    sent: { vi: 'Đã gửi', en: 'Sent' },
    failed: { vi: 'Không gửi được', en: 'Could not be sent' },
    'no-recipient': { vi: 'Không có địa chỉ nhận', en: 'No address to send to' },
  },
  messagesUnavailable: {
    vi: 'Chưa đọc được thông báo lúc này. Vui lòng thử lại sau.',
    en: 'Your messages cannot be read just now. Please try again later.',
  },
  dataAccessTitle: { vi: 'Ai đã xem thông tin của tôi', en: 'Who looked at my data' },
  dataAccessLead: {
    vi: 'Mỗi lần thông tin của bạn trong Cơ sở dữ liệu quốc gia về dân cư được đọc đều được ghi lại: ai đọc, cho cơ quan nào, vì sao và khi nào.',
    en: 'Every read of your record in the national population database is logged: who read it, for which organisation, why and when.',
  },
  dataAccessNone: { vi: 'Chưa có lượt xem nào.', en: 'Nobody has read your record yet.' },
  dataAccessUnavailable: {
    vi: 'Chưa đọc được nhật ký của:',
    en: 'These logs could not be read just now:',
  },
  when: { vi: 'Thời gian', en: 'When' },
  who: { vi: 'Người đọc', en: 'Who' },
  organisation: { vi: 'Cơ quan', en: 'Organisation' },
  why: { vi: 'Mục đích', en: 'Why' },
  dossier: { vi: 'Hồ sơ', en: 'Dossier' },
  resultTitle: { vi: 'Kết quả giải quyết', en: 'Result' },
  resultIssuedBy: { vi: 'Cơ quan giải quyết', en: 'Issued by' },
  print: { vi: 'In trang này', en: 'Print this page' },
  resultNote: {
    vi: 'Bản in từ Cổng dịch vụ công liên thông. Tra cứu bằng mã hồ sơ để kiểm tra.',
    en: 'Printed from the liên thông public-service portal. Check it by the dossier number.',
  },
  notFoundTitle: { vi: 'Không tìm thấy trang', en: 'Page not found' },
  notFoundLead: {
    vi: 'Trang hoặc hồ sơ này không tồn tại, hoặc bạn không có quyền xem.',
    en: 'This page or dossier does not exist, or you may not see it.',
  },
  forbiddenTitle: { vi: 'Không có quyền truy cập', en: 'You cannot use this page' },
  forbiddenLead: {
    vi: 'Trang này không dành cho vai trò bạn đã đăng nhập.',
    en: 'This page is not for the role you signed in as.',
  },
  expiredTitle: { vi: 'Biểu mẫu đã hết hạn', en: 'The form has expired' },
  expiredLead: {
    vi: 'Vì lý do an toàn, hãy quay lại, tải lại trang và gửi lại.',
    en: 'For your safety, go back, reload the page and send it again.',
  },
  errorTitle: { vi: 'Đã có lỗi', en: 'Something went wrong' },
  errorLead: {
    vi: 'Hệ thống đang gặp sự cố; lỗi đã được ghi lại. Hãy thử lại sau ít phút.',
    en: 'Something went wrong on our side and it has been logged. Try again in a few minutes.',
  },
  conflictTitle: { vi: 'Đã có hồ sơ cho việc này', en: 'There is already a dossier for this' },
  actionRefused: { vi: 'Không thực hiện được', en: 'This could not be done' },
} as const;

/** Field-level messages, in the citizen's language (the api's English messages stay for the api). */
export const messages = {
  required: { vi: 'Không được để trống', en: 'Enter a value' },
  choose: { vi: 'Hãy chọn một mục', en: 'Choose one' },
  date: {
    vi: 'Nhập ngày theo dạng ngày/tháng/năm, ví dụ 27/03/2026',
    en: 'Enter a date as day/month/year, e.g. 27/03/2026',
  },
  name: {
    vi: 'Chỉ gồm chữ cái và một khoảng trắng giữa các từ (không số, không ký hiệu)',
    en: 'Use only letters and single spaces (no digits or symbols)',
  },
  tooLong: { vi: 'Quá dài', en: 'Too long' },
  tooShort: { vi: 'Quá ngắn', en: 'Too short' },
  future: { vi: 'Không được là ngày trong tương lai', en: 'Must not be in the future' },
  commune: { vi: 'Hãy chọn xã, phường thuộc tỉnh đã chọn', en: 'Choose a commune or ward of the chosen province' },
  confirm: { vi: 'Bạn cần xác nhận để tiếp tục', en: 'You need to confirm this to continue' },
  childTooOld: { vi: 'Trẻ phải dưới 6 tuổi', en: 'The child must be under 6' },
  invalid: { vi: 'Giá trị không hợp lệ', en: 'This value is not valid' },
  beforeBirth: { vi: 'Không được trước ngày sinh', en: 'Must not be before the date of birth' },
  survivors: {
    vi: 'Trợ cấp tuất cần danh sách thân nhân đồng ý và người đại diện',
    en: 'The survivor benefit needs the relatives who agree and the representative',
  },
  representative: {
    vi: 'Người đại diện phải là một trong những thân nhân đã đánh dấu',
    en: 'The representative must be one of the ticked relatives',
  },
  duplicate: {
    vi: 'Đã có hồ sơ khác cho cùng việc này',
    en: 'Another dossier is already for the same thing',
  },
  registry: {
    vi: 'Không khớp với Cơ sở dữ liệu quốc gia về dân cư',
    en: 'Does not match the national population database',
  },
  reason: { vi: 'Nhập lý do, ít nhất 3 ký tự', en: 'Give a reason of at least 3 characters' },
} as const;

export type Message = keyof typeof messages;

/** The label in the reader's language. */
export const say = (lang: Lang, labels: Labels): string => labels[lang];

/** The language of a request: the `lang` query or cookie, else the best of Accept-Language, else Vietnamese. */
export function pickLanguage(chosen: string | undefined, acceptLanguage: string | undefined): Lang {
  if (chosen === 'vi' || chosen === 'en') return chosen;
  const preferred = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { lang: tag.split('-')[0], q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry): entry is { lang: Lang; q: number } => languages.includes(entry.lang as Lang) && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return preferred[0]?.lang ?? 'vi';
}

const vietnam = 'Asia/Ho_Chi_Minh';
const dateFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: vietnam,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const timeFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: vietnam,
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' });

/** A calendar date (YYYY-MM-DD) or an instant, in the Vietnamese way: dd/mm/yyyy (Vietnam's time for instants). */
export function formatDate(value: string): string {
  const calendar = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (calendar) return `${calendar[3]}/${calendar[2]}/${calendar[1]}`;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

/** An instant as dd/mm/yyyy HH:mm in Vietnam's time. */
export function formatDateTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : `${dateFormat.format(date)} ${timeFormat.format(date)}`;
}

/** An amount in đồng, e.g. 23.400.000 ₫. */
export const formatVnd = (amount: number): string => vnd.format(amount);

/** A date typed as dd/mm/yyyy (or d/m/yyyy, or ISO) as YYYY-MM-DD; undefined when it is not a real date. */
export function parseTypedDate(typed: string): string | undefined {
  const text = typed.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const vn = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const [year, month, day] = iso
    ? [iso[1], iso[2], iso[3]].map(Number)
    : vn
      ? [vn[3], vn[2], vn[1]].map(Number)
      : [NaN, NaN, NaN];
  if (!year || !month || !day) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}
