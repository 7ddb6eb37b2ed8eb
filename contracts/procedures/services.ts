import { defineService, type Labels } from './define';

/** Labels of command fields more than one service shows its workers. */
const field = {
  applicant: { vi: 'Người nộp hồ sơ', en: 'Applicant' },
  childName: { vi: 'Họ, chữ đệm và tên của trẻ', en: "Child's full name" },
  childSex: { vi: 'Giới tính của trẻ', en: "Child's sex" },
  childBirthDate: { vi: 'Ngày sinh của trẻ', en: "Child's date of birth" },
  childBirthPlace: { vi: 'Nơi sinh của trẻ', en: "Child's place of birth" },
  childId: { vi: 'Số định danh cá nhân của trẻ', en: "Child's personal ID number" },
  birthCertificateNumber: { vi: 'Số giấy khai sinh', en: 'Birth certificate number' },
  residenceAddress: { vi: 'Địa chỉ thường trú', en: 'Permanent residence address' },
  deceasedName: { vi: 'Họ và tên người chết', en: 'Name of the deceased' },
  deceasedId: { vi: 'Số định danh cá nhân của người chết', en: "Deceased's personal ID number" },
  dateOfDeath: { vi: 'Ngày chết', en: 'Date of death' },
  placeOfDeath: { vi: 'Nơi chết', en: 'Place of death' },
  deathExtractNumber: { vi: 'Số trích lục khai tử', en: 'Death extract number' },
  occupationalCause: {
    vi: 'Chết do tai nạn lao động, bệnh nghề nghiệp',
    en: 'Death from an occupational accident or disease',
  },
} as const satisfies Record<string, Labels>;

export const registerBirth = defineService({
  id: 'register-birth',
  agency: 'civil-status',
  workingDays: 0,
  label: { vi: 'Đăng ký khai sinh', en: 'Register the birth' },
  command: 'RegisterBirth.v1',
  result: 'BirthRegistered.v1',
  rejection: 'BirthRegistrationRejected.v1',
  resultFields: {
    birthCertificateNumber: { vi: 'Số giấy khai sinh', en: 'Birth certificate number' },
    childPersonalIdNumber: { vi: 'Số định danh cá nhân của trẻ', en: "Child's personal ID number" },
    registeredAt: { vi: 'Ngày đăng ký', en: 'Registered on' },
  },
  reviewFields: {
    applicant: field.applicant,
    'child.fullName': field.childName,
    'child.sex': field.childSex,
    'child.birthDate': field.childBirthDate,
    'child.birthPlace': field.childBirthPlace,
    mother: { vi: 'Mẹ', en: 'Mother' },
    father: { vi: 'Cha', en: 'Father' },
    birthCertificateReference: { vi: 'Số giấy chứng sinh', en: 'Hospital birth certificate number' },
  },
  informationFields: {
    'child.fullName': { vi: 'Họ, chữ đệm và tên của trẻ', en: "Child's full name" },
    'child.birthDate': { vi: 'Ngày sinh của trẻ', en: "Child's date of birth" },
    'child.birthPlace': { vi: 'Nơi sinh của trẻ', en: "Child's place of birth" },
    birthCertificateReference: { vi: 'Số giấy chứng sinh', en: 'Hospital birth certificate number' },
    'mother.fullName': { vi: 'Họ và tên mẹ', en: "Mother's full name" },
    'father.fullName': { vi: 'Họ và tên cha', en: "Father's full name" },
  },
});

export const registerResidence = defineService({
  id: 'register-residence',
  agency: 'residence',
  // 5 working days when verification is needed; the agency asks for it by an information request.
  workingDays: 2,
  label: { vi: 'Đăng ký thường trú', en: 'Register permanent residence' },
  command: 'RegisterPermanentResidence.v1',
  result: 'PermanentResidenceRegistered.v1',
  rejection: 'PermanentResidenceRegistrationRejected.v1',
  resultFields: {
    residenceRegistrationNumber: { vi: 'Số đăng ký thường trú', en: 'Residence registration number' },
    householdId: { vi: 'Mã hộ gia đình', en: 'Household number' },
    registeredAt: { vi: 'Ngày đăng ký', en: 'Registered on' },
  },
  reviewFields: {
    'child.fullName': field.childName,
    'birthRegistration.childPersonalIdNumber': field.childId,
    'birthRegistration.birthCertificateNumber': field.birthCertificateNumber,
    parentIdNumber: { vi: 'Số định danh của cha hoặc mẹ', en: "Parent's personal ID number" },
    'residence.address': field.residenceAddress,
    'residence.parentConfirmed': { vi: 'Cha hoặc mẹ xác nhận', en: 'The parent confirms' },
    'residence.householdHeadConsent': { vi: 'Ý kiến đồng ý của chủ hộ', en: "Household head's consent" },
    'residence.ownerConsent': { vi: 'Ý kiến đồng ý của chủ sở hữu chỗ ở', en: "Property owner's consent" },
  },
  informationFields: {
    'residence.address': { vi: 'Địa chỉ thường trú', en: 'Permanent residence address' },
    'residence.householdHeadConsent': { vi: 'Ý kiến đồng ý của chủ hộ', en: "Household head's consent" },
    'residence.ownerConsent': { vi: 'Ý kiến đồng ý của chủ sở hữu chỗ ở', en: "Property owner's consent" },
  },
});

export const issueHealthInsuranceCard = defineService({
  id: 'issue-health-insurance-card',
  agency: 'social-insurance',
  workingDays: 2,
  label: { vi: 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi', en: 'Issue the under-6 health-insurance card' },
  command: 'IssueHealthInsuranceCard.v1',
  result: 'HealthInsuranceCardIssued.v1',
  rejection: 'HealthInsuranceCardRejected.v1',
  resultFields: {
    cardNumber: { vi: 'Số thẻ bảo hiểm y tế', en: 'Health-insurance card number' },
    socialInsuranceNumber: { vi: 'Mã số bảo hiểm xã hội', en: 'Social-insurance number' },
    validFrom: { vi: 'Giá trị sử dụng từ ngày', en: 'Valid from' },
    validTo: { vi: 'Đến ngày', en: 'Valid until' },
  },
  reviewFields: {
    'child.fullName': field.childName,
    'child.birthDate': field.childBirthDate,
    'birthRegistration.childPersonalIdNumber': field.childId,
    'residence.address': field.residenceAddress,
  },
  informationFields: {
    'child.fullName': { vi: 'Họ, chữ đệm và tên của trẻ', en: "Child's full name" },
    'residence.address': { vi: 'Địa chỉ thường trú', en: 'Permanent residence address' },
  },
});

export const registerDeath = defineService({
  id: 'register-death',
  agency: 'civil-status',
  workingDays: 0,
  label: { vi: 'Đăng ký khai tử', en: 'Register the death' },
  command: 'RegisterDeath.v1',
  result: 'DeathRegistered.v1',
  rejection: 'DeathRegistrationRejected.v1',
  resultFields: {
    deathExtractNumber: { vi: 'Số trích lục khai tử', en: 'Death extract number' },
    registeredAt: { vi: 'Ngày đăng ký', en: 'Registered on' },
  },
  reviewFields: {
    applicant: field.applicant,
    'deceased.fullName': field.deceasedName,
    'deceased.personalIdNumber': field.deceasedId,
    'deceased.dateOfDeath': field.dateOfDeath,
    'deceased.placeOfDeath': field.placeOfDeath,
    deathNoticeReference: { vi: 'Số giấy báo tử', en: 'Death notice number' },
  },
  informationFields: {
    'deceased.dateOfDeath': { vi: 'Ngày chết', en: 'Date of death' },
    'deceased.placeOfDeath': { vi: 'Nơi chết', en: 'Place of death' },
    deathNoticeReference: { vi: 'Số giấy báo tử', en: 'Death notice number' },
  },
});

export const deleteResidence = defineService({
  id: 'delete-residence',
  agency: 'residence',
  workingDays: 1,
  label: { vi: 'Xóa đăng ký thường trú', en: 'Delete permanent residence' },
  command: 'DeletePermanentResidence.v1',
  result: 'PermanentResidenceDeleted.v1',
  rejection: 'PermanentResidenceDeletionRejected.v1',
  resultFields: {
    deletionRecordNumber: { vi: 'Số quyết định xóa đăng ký thường trú', en: 'Deletion record number' },
    deletedAt: { vi: 'Ngày xóa', en: 'Deleted on' },
  },
  reviewFields: {
    'deceased.fullName': field.deceasedName,
    'deceased.personalIdNumber': field.deceasedId,
    'deathRegistration.deathExtractNumber': field.deathExtractNumber,
    'deceased.placeOfDeath': field.placeOfDeath,
  },
  informationFields: {
    'deceased.placeOfDeath': { vi: 'Nơi chết', en: 'Place of death' },
  },
});

export const funeralAllowance = defineService({
  id: 'funeral-allowance',
  agency: 'social-insurance',
  // Assumed: no official text was found for this limit (domain.md).
  workingDays: 10,
  label: { vi: 'Giải quyết trợ cấp mai táng', en: 'Decide the funeral allowance' },
  command: 'DecideFuneralAllowance.v1',
  result: 'FuneralAllowanceDecided.v1',
  rejection: 'FuneralAllowanceRejected.v1',
  resultFields: {
    decisionNumber: { vi: 'Số quyết định', en: 'Decision number' },
    amountVnd: { vi: 'Số tiền', en: 'Amount' },
  },
  reviewFields: {
    'deceased.fullName': field.deceasedName,
    'deceased.personalIdNumber': field.deceasedId,
    'deceased.dateOfDeath': field.dateOfDeath,
    'deceased.occupationalCause': field.occupationalCause,
    'deathRegistration.deathExtractNumber': field.deathExtractNumber,
    applicant: field.applicant,
  },
  informationFields: {
    'deceased.occupationalCause': {
      vi: 'Chết do tai nạn lao động, bệnh nghề nghiệp',
      en: 'Death from an occupational accident or disease',
    },
  },
});

export const survivorBenefit = defineService({
  id: 'survivor-benefit',
  agency: 'social-insurance',
  // Assumed: no official text was found for this limit (domain.md).
  workingDays: 10,
  label: { vi: 'Giải quyết trợ cấp tuất', en: 'Decide the survivor benefit' },
  command: 'DecideSurvivorBenefit.v1',
  result: 'SurvivorBenefitDecided.v1',
  rejection: 'SurvivorBenefitRejected.v1',
  resultFields: {
    decisionNumber: { vi: 'Số quyết định', en: 'Decision number' },
    representativeIdNumber: { vi: 'Số định danh của người đại diện', en: "Representative's personal ID number" },
  },
  reviewFields: {
    'deceased.fullName': field.deceasedName,
    'deathRegistration.deathExtractNumber': field.deathExtractNumber,
    survivors: { vi: 'Danh sách thân nhân', en: 'List of relatives' },
    representativeIdNumber: { vi: 'Số định danh của người đại diện', en: "Representative's personal ID number" },
  },
  informationFields: {
    survivors: { vi: 'Danh sách thân nhân', en: 'List of relatives' },
    representativeIdNumber: { vi: 'Số định danh của người đại diện', en: "Representative's personal ID number" },
  },
});

/**
 * The agency services that procedures combine, each declared once (domain.md, the "Birth bundle"
 * and "Death bundle" tables); legal limits are working days, 0 is the same working day.
 */
export const services = [
  registerBirth,
  registerResidence,
  issueHealthInsuranceCard,
  registerDeath,
  deleteResidence,
  funeralAllowance,
  survivorBenefit,
];
