"""Common English short names, demonyms and capitals of countries, keyed by ISO 3166-1 alpha-3.

pycountry gives ISO names ("Korea, Republic of", "Russian Federation") but neither the short names news
uses ("South Korea", "Russia") nor demonyms nor capitals, and no maintained package in our environment
carries demonyms, so this small table is written by the project.

Sources: Wikipedia, "List of adjectival and demonymic forms for countries and nations" (demonyms) and
"List of national capitals" (capitals; the seat of government where it differs, e.g. Netherlands,
Bolivia); ISO 3166-1 for the codes. Columns: iso3; name; other names (|); demonyms (|); capital.
"""

from __future__ import annotations

COUNTRY_ROWS = """\
AFG;Afghanistan;;Afghan;Kabul
ALB;Albania;;Albanian;Tirana
DZA;Algeria;;Algerian;Algiers
AND;Andorra;;Andorran;Andorra la Vella
AGO;Angola;;Angolan;Luanda
ATG;Antigua and Barbuda;;Antiguan;Saint John's
ARG;Argentina;;Argentine|Argentinian;Buenos Aires
ARM;Armenia;;Armenian;Yerevan
AUS;Australia;;Australian;Canberra
AUT;Austria;;Austrian;Vienna
AZE;Azerbaijan;;Azerbaijani|Azeri;Baku
BHS;Bahamas;The Bahamas;Bahamian;Nassau
BHR;Bahrain;;Bahraini;Manama
BGD;Bangladesh;;Bangladeshi;Dhaka
BRB;Barbados;;Barbadian;Bridgetown
BLR;Belarus;;Belarusian;Minsk
BEL;Belgium;;Belgian;Brussels
BLZ;Belize;;Belizean;Belmopan
BEN;Benin;;Beninese;Porto-Novo
BTN;Bhutan;;Bhutanese;Thimphu
BOL;Bolivia;;Bolivian;La Paz
BIH;Bosnia and Herzegovina;Bosnia;Bosnian;Sarajevo
BWA;Botswana;;Botswanan;Gaborone
BRA;Brazil;;Brazilian;Brasilia
BRN;Brunei;;Bruneian;Bandar Seri Begawan
BGR;Bulgaria;;Bulgarian;Sofia
BFA;Burkina Faso;;Burkinabe;Ouagadougou
BDI;Burundi;;Burundian;Gitega
CPV;Cape Verde;Cabo Verde;Cape Verdean;Praia
KHM;Cambodia;;Cambodian;Phnom Penh
CMR;Cameroon;;Cameroonian;Yaounde
CAN;Canada;;Canadian;Ottawa
CAF;Central African Republic;;Central African;Bangui
TCD;Chad;;Chadian;N'Djamena
CHL;Chile;;Chilean;Santiago
CHN;China;People's Republic of China|PRC;Chinese;Beijing
COL;Colombia;;Colombian;Bogota
COM;Comoros;;Comoran;Moroni
COG;Republic of the Congo;Congo-Brazzaville;Congolese;Brazzaville
COD;Democratic Republic of the Congo;DR Congo|DRC|Congo-Kinshasa;;Kinshasa
CRI;Costa Rica;;Costa Rican;San Jose
CIV;Ivory Coast;Cote d'Ivoire;Ivorian;Yamoussoukro
HRV;Croatia;;Croatian;Zagreb
CUB;Cuba;;Cuban;Havana
CYP;Cyprus;;Cypriot;Nicosia
CZE;Czech Republic;Czechia;Czech;Prague
DNK;Denmark;;Danish;Copenhagen
DJI;Djibouti;;Djiboutian;Djibouti
DMA;Dominica;;Dominican;Roseau
DOM;Dominican Republic;;;Santo Domingo
ECU;Ecuador;;Ecuadorian;Quito
EGY;Egypt;;Egyptian;Cairo
SLV;El Salvador;;Salvadoran;San Salvador
GNQ;Equatorial Guinea;;Equatoguinean;Malabo
ERI;Eritrea;;Eritrean;Asmara
EST;Estonia;;Estonian;Tallinn
SWZ;Eswatini;Swaziland;Swazi;Mbabane
ETH;Ethiopia;;Ethiopian;Addis Ababa
FJI;Fiji;;Fijian;Suva
FIN;Finland;;Finnish;Helsinki
FRA;France;;French;Paris
GAB;Gabon;;Gabonese;Libreville
GMB;Gambia;The Gambia;Gambian;Banjul
GEO;Georgia;;Georgian;Tbilisi
DEU;Germany;;German;Berlin
GHA;Ghana;;Ghanaian;Accra
GRC;Greece;;Greek;Athens
GRD;Grenada;;Grenadian;Saint George's
GTM;Guatemala;;Guatemalan;Guatemala City
GIN;Guinea;;Guinean;Conakry
GNB;Guinea-Bissau;;Bissau-Guinean;Bissau
GUY;Guyana;;Guyanese;Georgetown
HTI;Haiti;;Haitian;Port-au-Prince
HND;Honduras;;Honduran;Tegucigalpa
HUN;Hungary;;Hungarian;Budapest
ISL;Iceland;;Icelandic;Reykjavik
IND;India;;Indian;New Delhi
IDN;Indonesia;;Indonesian;Jakarta
IRN;Iran;;Iranian;Tehran
IRQ;Iraq;;Iraqi;Baghdad
IRL;Ireland;;Irish;Dublin
ISR;Israel;;Israeli;Jerusalem
ITA;Italy;;Italian;Rome
JAM;Jamaica;;Jamaican;Kingston
JPN;Japan;;Japanese;Tokyo
JOR;Jordan;;Jordanian;Amman
KAZ;Kazakhstan;;Kazakh|Kazakhstani;Astana
KEN;Kenya;;Kenyan;Nairobi
KIR;Kiribati;;I-Kiribati;Tarawa
PRK;North Korea;DPRK;North Korean;Pyongyang
KOR;South Korea;;South Korean;Seoul
KWT;Kuwait;;Kuwaiti;Kuwait City
KGZ;Kyrgyzstan;Kyrgyz Republic|Kirghizia;Kyrgyz|Kyrgyzstani|Kirghiz;Bishkek
LAO;Laos;;Lao|Laotian;Vientiane
LVA;Latvia;;Latvian;Riga
LBN;Lebanon;;Lebanese;Beirut
LSO;Lesotho;;Basotho;Maseru
LBR;Liberia;;Liberian;Monrovia
LBY;Libya;;Libyan;Tripoli
LIE;Liechtenstein;;Liechtensteiner;Vaduz
LTU;Lithuania;;Lithuanian;Vilnius
LUX;Luxembourg;;Luxembourgish;Luxembourg
MDG;Madagascar;;Malagasy;Antananarivo
MWI;Malawi;;Malawian;Lilongwe
MYS;Malaysia;;Malaysian;Kuala Lumpur
MDV;Maldives;;Maldivian;Male
MLI;Mali;;Malian;Bamako
MLT;Malta;;Maltese;Valletta
MHL;Marshall Islands;;Marshallese;Majuro
MRT;Mauritania;;Mauritanian;Nouakchott
MUS;Mauritius;;Mauritian;Port Louis
MEX;Mexico;;Mexican;Mexico City
FSM;Micronesia;;Micronesian;Palikir
MDA;Moldova;;Moldovan;Chisinau
MCO;Monaco;;Monegasque;Monaco
MNG;Mongolia;;Mongolian;Ulaanbaatar
MNE;Montenegro;;Montenegrin;Podgorica
MAR;Morocco;;Moroccan;Rabat
MOZ;Mozambique;;Mozambican;Maputo
MMR;Myanmar;Burma;Burmese;Naypyidaw
NAM;Namibia;;Namibian;Windhoek
NRU;Nauru;;Nauruan;Yaren
NPL;Nepal;;Nepali|Nepalese;Kathmandu
NLD;Netherlands;Holland;Dutch;Amsterdam
NZL;New Zealand;;New Zealander;Wellington
NIC;Nicaragua;;Nicaraguan;Managua
NER;Niger;;Nigerien;Niamey
NGA;Nigeria;;Nigerian;Abuja
MKD;North Macedonia;Macedonia;Macedonian;Skopje
NOR;Norway;;Norwegian;Oslo
OMN;Oman;;Omani;Muscat
PAK;Pakistan;;Pakistani;Islamabad
PLW;Palau;;Palauan;Ngerulmud
PSE;Palestine;State of Palestine;Palestinian;Ramallah
PAN;Panama;;Panamanian;Panama City
PNG;Papua New Guinea;;Papua New Guinean;Port Moresby
PRY;Paraguay;;Paraguayan;Asuncion
PER;Peru;;Peruvian;Lima
PHL;Philippines;The Philippines;Filipino|Philippine;Manila
POL;Poland;;Polish;Warsaw
PRT;Portugal;;Portuguese;Lisbon
QAT;Qatar;;Qatari;Doha
ROU;Romania;;Romanian;Bucharest
RUS;Russia;Russian Federation;Russian;Moscow
RWA;Rwanda;;Rwandan;Kigali
KNA;Saint Kitts and Nevis;;Kittitian;Basseterre
LCA;Saint Lucia;;Saint Lucian;Castries
VCT;Saint Vincent and the Grenadines;;Vincentian;Kingstown
WSM;Samoa;;Samoan;Apia
SMR;San Marino;;Sammarinese;San Marino
STP;Sao Tome and Principe;;Sao Tomean;Sao Tome
SAU;Saudi Arabia;;Saudi|Saudi Arabian;Riyadh
SEN;Senegal;;Senegalese;Dakar
SRB;Serbia;;Serbian;Belgrade
SYC;Seychelles;;Seychellois;Victoria
SLE;Sierra Leone;;Sierra Leonean;Freetown
SGP;Singapore;;Singaporean;Singapore
SVK;Slovakia;;Slovak;Bratislava
SVN;Slovenia;;Slovenian|Slovene;Ljubljana
SLB;Solomon Islands;;Solomon Islander;Honiara
SOM;Somalia;;Somali;Mogadishu
ZAF;South Africa;;South African;Pretoria
SSD;South Sudan;;South Sudanese;Juba
ESP;Spain;;Spanish;Madrid
LKA;Sri Lanka;;Sri Lankan;Colombo
SDN;Sudan;;Sudanese;Khartoum
SUR;Suriname;;Surinamese;Paramaribo
SWE;Sweden;;Swedish;Stockholm
CHE;Switzerland;;Swiss;Bern
SYR;Syria;;Syrian;Damascus
TWN;Taiwan;;Taiwanese;Taipei
TJK;Tajikistan;;Tajik|Tajikistani;Dushanbe
TZA;Tanzania;;Tanzanian;Dodoma
THA;Thailand;;Thai;Bangkok
TLS;East Timor;Timor-Leste;Timorese;Dili
TGO;Togo;;Togolese;Lome
TON;Tonga;;Tongan;Nuku'alofa
TTO;Trinidad and Tobago;;Trinidadian;Port of Spain
TUN;Tunisia;;Tunisian;Tunis
TUR;Turkey;Turkiye;Turkish;Ankara
TKM;Turkmenistan;;Turkmen;Ashgabat
TUV;Tuvalu;;Tuvaluan;Funafuti
UGA;Uganda;;Ugandan;Kampala
UKR;Ukraine;;Ukrainian;Kyiv
ARE;United Arab Emirates;UAE|Emirates;Emirati;Abu Dhabi
GBR;United Kingdom;UK|Britain|Great Britain;British;London
USA;United States;US|U.S.|USA|United States of America|America;American;Washington
URY;Uruguay;;Uruguayan;Montevideo
UZB;Uzbekistan;;Uzbek|Uzbekistani;Tashkent
VUT;Vanuatu;;Ni-Vanuatu;Port Vila
VAT;Vatican City;Holy See|Vatican;;Vatican City
VEN;Venezuela;;Venezuelan;Caracas
VNM;Vietnam;Viet Nam;Vietnamese;Hanoi
YEM;Yemen;;Yemeni;Sanaa
ZMB;Zambia;;Zambian;Lusaka
ZWE;Zimbabwe;;Zimbabwean;Harare
XKX;Kosovo;;Kosovar;Pristina
"""
