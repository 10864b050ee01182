<?xml version="1.0" encoding="UTF-8"?>
<!-- The 文件格式 of GB/T 9704-2012: a gongwen source (schema/source.rng) to the intermediate
     layout (schema/layout.rng, doc/layout.md). Every number comes from gbt9704.xsl; this file
     decides which element goes where and in which face. Runs under xsltproc as well:
       xsltproc stylesheets/gongwen.xsl sources/X.xml -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:s="urn:gongwen:source:1"
    xmlns:gw="urn:gongwen:annotation"
    xmlns:c="urn:gongwen:compare:1"
    xmlns="urn:gongwen:layout:1"
    exclude-result-prefixes="s gw c">

  <xsl:import href="gbt9704.xsl"/>
  <xsl:import href="numerals.xsl"/>
  <!-- Editions: the units gongwen compare diffs, the 修订对照表 and the 花脸稿. -->
  <xsl:include href="editions.xsl"/>


  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="s:document s:head s:body s:chapter s:section s:article s:item s:closing s:colophon"/>

  <!-- How much of an article's text its bookmark shows after the number. -->
  <xsl:param name="outline-text-length" select="16"/>

  <!-- The gongwen version, passed in by the program; it goes into the PDF's metadata. -->
  <xsl:param name="generator">gongwen</xsl:param>

  <xsl:key name="unit" match="s:chapter|s:section|s:article|s:item|s:attachment" use="@id"/>

  <xsl:variable name="doc" select="/s:document"/>
  <xsl:variable name="in-chapters" select="boolean(/s:document/s:body/s:chapter)"/>

  <xsl:template match="/">
    <xsl:choose>
      <!-- gongwen compare: a comparison of two editions (editions.xsl), and the units of each
           edition it diffs. -->
      <xsl:when test="c:comparison"><xsl:apply-templates select="c:comparison"/></xsl:when>
      <xsl:when test="s:document/@gw:output = 'units'">
        <xsl:apply-templates select="s:document" mode="units"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:if test="not(s:document)">
          <xsl:message terminate="yes">the root element is not a gongwen source document (urn:gongwen:source:1)</xsl:message>
        </xsl:if>
        <xsl:if test="not(s:document/s:title) and not(s:document/@format = 'order')">
          <xsl:message terminate="yes"><xsl:value-of select="s:document/s:body/@gw:line"/>: the document has no &lt;title&gt;; only an order (format="order") may go without</xsl:message>
        </xsl:if>
        <xsl:apply-templates select="s:document"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="s:document">
    <layout version="1">
      <info lang="zh-CN" creator="{$generator}">
        <xsl:attribute name="title"><xsl:apply-templates select="s:title" mode="plain"/></xsl:attribute>
        <xsl:attribute name="author"><xsl:value-of select="s:head/s:organ[1]"/></xsl:attribute>
        <xsl:if test="s:head/s:number">
          <xsl:attribute name="subject"><xsl:apply-templates select="s:head/s:number" mode="text"/></xsl:attribute>
        </xsl:if>
        <xsl:attribute name="keywords">
          <xsl:value-of select="@kind"/>
          <!-- An edition of a history (gongwen render HISTORY with as-of): the day it took
               effect and the SHA-256 of its source, as the program annotated them. -->
          <xsl:if test="@gw:edition">; edition <xsl:value-of select="@gw:edition"/></xsl:if>
          <xsl:if test="@gw:sha256">; sha256 <xsl:value-of select="@gw:sha256"/></xsl:if>
          <!-- A redline (gongwen compare with redline): the edition it is compared with. -->
          <xsl:if test="@gw:against">; redline against sha256 <xsl:value-of select="@gw:against"/></xsl:if>
        </xsl:attribute>
        <xsl:attribute name="date">
          <xsl:value-of select="(s:closing/s:date | s:colophon/s:printed)[1]"/>
        </xsl:attribute>
      </info>
      <xsl:call-template name="layout-setup"/>
      <flow face="body" size="{$body-size}" color="{$black}">
        <xsl:apply-templates select="s:head"/>
        <xsl:apply-templates select="s:title"/>
        <xsl:apply-templates select="s:title-note"/>
        <xsl:apply-templates select="s:addressee"/>
        <xsl:apply-templates select="s:body"/>
        <xsl:call-template name="attachment-list"/>
        <xsl:apply-templates select="s:attendance"/>
        <xsl:apply-templates select="s:closing"/>
        <xsl:apply-templates select="s:note"/>
        <xsl:apply-templates select="s:attachment"/>
      </flow>
      <xsl:apply-templates select="s:colophon"/>
      <!-- No colophon in the source: one holding only the addressees, for when they must move
           there (it is absent otherwise). -->
      <xsl:if test="not(s:colophon) and s:addressee and $format != 'letter'">
        <colophon size="{$colophon-size}" parity="{$colophon-parity}">
          <rule thickness="{$colophon-thick}" length="{$area-width}" when="addressee"/>
          <xsl:call-template name="colophon-addressee"/>
          <rule thickness="{$colophon-thick}" length="{$area-width}" when="addressee"/>
        </colophon>
      </xsl:if>
    </layout>
  </xsl:template>

  <!-- The page, the faces and the page numbers: every document, and the comparison tables. -->
  <xsl:template name="layout-setup">
    <page width="{$page-width}" height="{$page-height}" top="{$area-top}" left="{$area-left}"
          area-width="{$area-width}" area-height="{$area-height}"
          lines="{$lines-per-page}" chars="{$chars-per-line}" em-top="{$em-top}"/>
    <face role="body" family="{$face-body}"/>
    <face role="mark" family="{$face-mark}"/>
    <face role="title" family="{$face-title}"/>
    <face role="hei" family="{$face-hei}"/>
    <face role="kai" family="{$face-kai}"/>
    <face role="folio" family="{$face-folio}"/>
    <folio face="folio" size="{$folio-size}" prefix="{$folio-prefix}" suffix="{$folio-suffix}"
           below="{$folio-below-area}" inset="{$folio-inset}" odd="right" even="left"
           omit="{$folio-omit}">
      <!-- §10.1: a letter's first page has no number. -->
      <xsl:if test="$format = 'letter'"><xsl:attribute name="first">no</xsl:attribute></xsl:if>
    </folio>
  </xsl:template>

  <!-- The source line of an element, when the program annotated it (gongwen does; xsltproc
       runs simply have none). -->
  <xsl:template name="src">
    <xsl:if test="@gw:line">
      <xsl:attribute name="line"><xsl:value-of select="@gw:line"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

  <!-- 版头 (§7.2), by format. -->
  <xsl:variable name="format">
    <xsl:choose>
      <xsl:when test="/s:document/@format"><xsl:value-of select="/s:document/@format"/></xsl:when>
      <xsl:otherwise>file</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="s:head">
    <xsl:choose>
      <xsl:when test="$format = 'letter'"><xsl:call-template name="letter-head"/></xsl:when>
      <xsl:when test="$format = 'order'"><xsl:call-template name="order-head"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="file-head"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 份号, 密级和保密期限, 紧急程度: flush left, one a line from the first line of the type area
       (§7.2.1–7.2.3), in 3号黑体, in that order. -->
  <xsl:template name="head-fields">
    <xsl:for-each select="s:copy | s:secrecy | s:urgency">
      <para face="hei" grid="yes" at="{position() - 1}ln">
        <xsl:call-template name="src"/>
        <xsl:apply-templates select="." mode="text"/>
      </para>
    </xsl:for-each>
  </xsl:template>
  <xsl:template match="s:copy" mode="text"><xsl:value-of select="."/></xsl:template>
  <xsl:template match="s:secrecy" mode="text">
    <xsl:value-of select="@level"/>
    <xsl:if test="@term">★<xsl:value-of select="@term"/></xsl:if>
  </xsl:template>
  <xsl:template match="s:urgency" mode="text"><xsl:value-of select="."/></xsl:template>

  <!-- The red mark: the organ's name and its suffix (文件, 令, 纪要), compressed to the width of
       the type area rather than set smaller; in joint issuance all the organs stacked, or the
       lead organ alone (joint-mark="lead", §7.2.4). -->
  <xsl:template name="mark">
    <xsl:param name="at" select="$mark-top"/>
    <xsl:param name="suffix" select="s:organ[1]/@suffix"/>
    <xsl:variable name="size-mm">
      <xsl:call-template name="mm"><xsl:with-param name="length" select="$mark-size"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="gap-mm">
      <xsl:call-template name="mm">
        <xsl:with-param name="length" select="$joint-mark-line-gap"/>
        <xsl:with-param name="em-mm" select="$size-mm"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="max-mm">
      <xsl:call-template name="mm"><xsl:with-param name="length" select="$joint-mark-max-height"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="n" select="count(s:organ)"/>
    <xsl:variable name="stack-mm" select="$n * $size-mm + ($n - 1) * $gap-mm"/>
    <xsl:variable name="too-tall" select="$n &gt; 1 and not(@joint-mark) and $stack-mm &gt; $max-mm"/>
    <xsl:if test="$too-tall">
      <xsl:message terminate="no"><xsl:value-of select="s:organ[1]/@gw:line"/>: warning: the <xsl:value-of select="$n"/> organs stacked in the mark would stand <xsl:value-of select="round($stack-mm)"/> mm high, more than joint-mark-max-height (<xsl:value-of select="$joint-mark-max-height"/>), and push the text off the first page (§7.1): the lead organ's name stands alone; joint-mark="all" keeps them all</xsl:message>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="$n &gt; 1 and not(@joint-mark = 'lead') and not($too-tall)">
        <xsl:call-template name="joint-mark">
          <xsl:with-param name="at" select="$at"/>
          <xsl:with-param name="suffix" select="$suffix"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="single-mark">
          <xsl:with-param name="at" select="$at"/>
          <xsl:with-param name="suffix" select="$suffix"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A length in mm: mm or pt, or em of em-mm. -->
  <xsl:template name="mm">
    <xsl:param name="length"/>
    <xsl:param name="em-mm" select="0"/>
    <xsl:choose>
      <xsl:when test="substring($length, string-length($length) - 1) = 'mm'">
        <xsl:value-of select="number(substring-before($length, 'mm'))"/>
      </xsl:when>
      <xsl:when test="substring($length, string-length($length) - 1) = 'pt'">
        <xsl:value-of select="number(substring-before($length, 'pt')) * 25.4 div 72"/>
      </xsl:when>
      <xsl:when test="substring($length, string-length($length) - 1) = 'em'">
        <xsl:value-of select="number(substring-before($length, 'em')) * $em-mm"/>
      </xsl:when>
      <xsl:otherwise>NaN</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 联合行文 (§7.2.4): the organs stacked, the lead first, spread to one width; 文件 to their
       right, centred on the stack; the whole compressed to the type area's width if wider. -->
  <xsl:template name="joint-mark">
    <xsl:param name="at"/>
    <xsl:param name="suffix"/>
    <columns at="{$at}" align="center" max-width="{$mark-max-width}" gap="{$joint-mark-gap}"
             face="mark" size="{$mark-size}" color="{$red}">
      <xsl:for-each select="s:organ[1]"><xsl:call-template name="src"/></xsl:for-each>
      <column gap="{$joint-mark-line-gap}">
        <xsl:for-each select="s:organ">
          <para cell="em" align="distribute">
            <xsl:call-template name="src"/>
            <xsl:choose>
              <xsl:when test="@mark"><xsl:value-of select="@mark"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
            </xsl:choose>
          </para>
        </xsl:for-each>
      </column>
      <xsl:if test="$suffix != ''">
        <column><para cell="em"><xsl:value-of select="$suffix"/></para></column>
      </xsl:if>
    </columns>
  </xsl:template>

  <xsl:template name="single-mark">
    <xsl:param name="at"/>
    <xsl:param name="suffix"/>
    <xsl:variable name="organ" select="s:organ[1]"/>
    <para at="{$at}" cell="em" face="mark" size="{$mark-size}" color="{$red}"
          align="center" fit="compress" max-width="{$mark-max-width}">
      <xsl:for-each select="$organ"><xsl:call-template name="src"/></xsl:for-each>
      <xsl:choose>
        <xsl:when test="$organ/@mark"><xsl:value-of select="$organ/@mark"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$organ"/></xsl:otherwise>
      </xsl:choose>
      <xsl:value-of select="$suffix"/>
    </para>
  </xsl:template>

  <xsl:template name="file-head">
    <xsl:call-template name="head-fields"/>
    <xsl:call-template name="mark"/>
    <xsl:choose>
      <xsl:when test="count(s:signer) &gt; 1">
        <xsl:call-template name="several-signers"/>
      </xsl:when>
      <xsl:when test="$doc/@direction = 'up' or s:signer">
        <row before="{$number-below-mark}" grid="yes">
          <xsl:for-each select="s:number"><xsl:call-template name="src"/></xsl:for-each>
          <cell align="left" inset="{$number-inset}"><xsl:apply-templates select="s:number" mode="text"/></cell>
          <xsl:if test="s:signer">
            <cell align="right" inset="{$signer-inset}">
              <xsl:text>签发人：</xsl:text>
              <span face="kai"><xsl:value-of select="s:signer[1]"/></span>
            </cell>
          </xsl:if>
        </row>
      </xsl:when>
      <xsl:when test="s:number">
        <para before="{$number-below-mark}" align="center" grid="yes">
          <xsl:for-each select="s:number"><xsl:call-template name="src"/></xsl:for-each>
          <xsl:apply-templates select="s:number" mode="text"/>
        </para>
      </xsl:when>
    </xsl:choose>
    <xsl:if test="$format = 'file' or s:number">
      <rule before="{$rule-below-number}" from="ink" thickness="{$rule-thickness}"
            length="{$rule-length}" color="{$red}"/>
    </xsl:if>
  </xsl:template>

  <!-- Several 签发人 (§7.2.6): two names a line, the later lines under the first name; the
       number on the line of the last names, one character in from the left. -->
  <xsl:template name="several-signers">
    <group before="{$number-below-mark}" align="right" inset="{$signer-inset}">
      <xsl:for-each select="s:signer[position() mod 2 = 1]">
        <para grid="yes">
          <xsl:call-template name="src"/>
          <xsl:choose>
            <xsl:when test="position() = 1">签发人：</xsl:when>
            <xsl:otherwise><xsl:attribute name="shift">4ch</xsl:attribute></xsl:otherwise>
          </xsl:choose>
          <span face="kai">
            <xsl:value-of select="."/>
            <xsl:if test="following-sibling::s:signer[1]">
              <xsl:text>　</xsl:text><xsl:value-of select="following-sibling::s:signer[1]"/>
            </xsl:if>
          </span>
        </para>
      </xsl:for-each>
    </group>
    <xsl:if test="s:number">
      <para beside="last" left="{$number-inset}" grid="yes">
        <xsl:for-each select="s:number"><xsl:call-template name="src"/></xsl:for-each>
        <xsl:apply-templates select="s:number" mode="text"/>
      </para>
    </xsl:if>
  </xsl:template>

  <!-- 信函格式 (§10.1): the mark 30 mm from the top of the page, red double rules 170 mm long,
       thick over thin 4 mm below the mark and thin over thick 20 mm above the foot of the page;
       份号 (or the first of 密级, 紧急) flush left and the number flush right on the first line,
       its characters' top 7/8 of a 3号 character below the rule. -->
  <xsl:template name="letter-head">
    <xsl:call-template name="no-signer"/>
    <xsl:call-template name="mark">
      <xsl:with-param name="at" select="$letter-mark-top"/>
      <xsl:with-param name="suffix" select="''"/>
    </xsl:call-template>
    <rule before="{$letter-rule-below-mark}" from="ink" thickness="{$letter-rule-thick}"
          length="{$letter-rule-length}" color="{$red}"/>
    <rule before="{$letter-rule-gap}" thickness="{$letter-rule-thin}"
          length="{$letter-rule-length}" color="{$red}"/>
    <rule at="{$letter-foot-rule-thin}" fixed="yes" thickness="{$letter-rule-thin}"
          length="{$letter-rule-length}" color="{$red}"/>
    <rule at="{$letter-foot-rule-thick}" fixed="yes" thickness="{$letter-rule-thick}"
          length="{$letter-rule-length}" color="{$red}"/>
    <xsl:variable name="fields" select="s:copy | s:secrecy | s:urgency"/>
    <xsl:if test="$fields or s:number">
      <row before="{$letter-below-rule}" from="ink" to="ink" grid="yes">
        <xsl:if test="$fields">
          <cell align="left" face="hei"><xsl:apply-templates select="$fields[1]" mode="text"/></cell>
        </xsl:if>
        <xsl:if test="s:number">
          <cell align="right"><xsl:apply-templates select="s:number" mode="text"/></cell>
        </xsl:if>
      </row>
    </xsl:if>
    <xsl:for-each select="$fields[position() &gt; 1]">
      <para face="hei" grid="yes"><xsl:call-template name="src"/><xsl:apply-templates select="." mode="text"/></para>
    </xsl:for-each>
  </xsl:template>

  <!-- 签发人 belongs to upward documents in the file format; elsewhere it has no place. -->
  <xsl:template name="no-signer">
    <xsl:for-each select="s:signer">
      <xsl:message terminate="yes"><xsl:value-of select="@gw:line"/>: 签发人 has no place in this format (<xsl:value-of select="$format"/>); the file and minutes formats print it</xsl:message>
    </xsl:for-each>
  </xsl:template>

  <!-- 命令（令）格式 (§10.2): the mark 20 mm below the top of the type area, the order number
       centred two lines below it. -->
  <xsl:template name="order-head">
    <xsl:call-template name="head-fields"/>
    <xsl:call-template name="no-signer"/>
    <xsl:call-template name="mark">
      <xsl:with-param name="at" select="$order-mark-top"/>
    </xsl:call-template>
    <xsl:if test="s:number">
      <para before="{$number-below-mark}" align="center" grid="yes">
        <xsl:for-each select="s:number"><xsl:call-template name="src"/></xsl:for-each>
        <xsl:apply-templates select="s:number" mode="text"/>
      </para>
    </xsl:if>
  </xsl:template>

  <!-- Line breaks inside a source paragraph are the author's editor, not the document's: the
       lines are joined without a space, as Chinese text is, and the indentation after each break
       is dropped. Forced breaks in a title are written <br/>. -->
  <xsl:template match="s:p//text() | s:heading//text()">
    <xsl:call-template name="join-lines"><xsl:with-param name="s" select="."/></xsl:call-template>
  </xsl:template>

  <!-- A title breaks best after the issuing organ's name, before 关于 and before 的 and its kind
       (…的通知): <wbr/> marks them for the typesetter, which otherwise prefers to break
       between words. -->
  <xsl:template match="s:title/text()">
    <xsl:variable name="t"><xsl:call-template name="join-lines"><xsl:with-param name="s" select="."/></xsl:call-template></xsl:variable>
    <xsl:call-template name="keep-organs"><xsl:with-param name="s" select="string($t)"/></xsl:call-template>
  </xsl:template>

  <!-- The organs' names in a title are kept whole (<keep>), and a line may well end after each. -->
  <xsl:template name="keep-organs">
    <xsl:param name="s"/>
    <xsl:param name="i" select="1"/>
    <xsl:variable name="organ" select="string($doc/s:head/s:organ[$i])"/>
    <xsl:choose>
      <xsl:when test="$i &gt; count($doc/s:head/s:organ) or $s = ''">
        <xsl:call-template name="title-hints"><xsl:with-param name="s" select="$s"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="$organ != '' and contains($s, $organ)">
        <xsl:call-template name="keep-organs">
          <xsl:with-param name="s" select="substring-before($s, $organ)"/>
          <xsl:with-param name="i" select="$i + 1"/>
        </xsl:call-template>
        <keep><xsl:value-of select="$organ"/></keep>
        <!-- The break comes after the space that parts the organs, never before it. -->
        <xsl:variable name="after" select="substring-after($s, $organ)"/>
        <xsl:variable name="space" select="starts-with($after, '　') or starts-with($after, ' ')"/>
        <xsl:if test="$space"><xsl:value-of select="substring($after, 1, 1)"/></xsl:if>
        <xsl:if test="$after != ''"><wbr/></xsl:if>
        <xsl:call-template name="keep-organs">
          <xsl:with-param name="s" select="substring($after, 1 + number($space))"/>
          <xsl:with-param name="i" select="$i"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="keep-organs">
          <xsl:with-param name="s" select="$s"/>
          <xsl:with-param name="i" select="$i + 1"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="title-hints">
    <xsl:param name="s"/>
    <xsl:variable name="tail" select="concat('的', $doc/@kind)"/>
    <xsl:choose>
      <xsl:when test="contains($s, '关于') and substring-before($s, '关于') != ''">
        <xsl:value-of select="substring-before($s, '关于')"/>
        <wbr/>
        <xsl:text>关于</xsl:text>
        <xsl:call-template name="title-hints">
          <xsl:with-param name="s" select="substring-after($s, '关于')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$doc/@kind and string-length($s) &gt; string-length($tail) and
                      substring($s, string-length($s) - string-length($tail) + 1) = $tail">
        <xsl:value-of select="substring($s, 1, string-length($s) - string-length($tail))"/>
        <wbr/>
        <xsl:value-of select="$tail"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="join-lines">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="contains($s, '&#10;')">
        <xsl:call-template name="trim-end">
          <xsl:with-param name="s" select="substring-before($s, '&#10;')"/>
        </xsl:call-template>
        <xsl:variable name="rest">
          <xsl:call-template name="trim-start">
            <xsl:with-param name="s" select="substring-after($s, '&#10;')"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:call-template name="join-lines"><xsl:with-param name="s" select="string($rest)"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="trim-start">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="$s != '' and contains(' &#9;&#13;&#10;', substring($s, 1, 1))">
        <xsl:call-template name="trim-start"><xsl:with-param name="s" select="substring($s, 2)"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="trim-end">
    <xsl:param name="s"/>
    <xsl:variable name="last" select="substring($s, string-length($s), 1)"/>
    <xsl:choose>
      <xsl:when test="$s != '' and contains(' &#9;&#13;', $last)">
        <xsl:call-template name="trim-end">
          <xsl:with-param name="s" select="substring($s, 1, string-length($s) - 1)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 发文字号: 代字〔年份〕序号号, year in full, no padding zeros. -->
  <xsl:template match="s:number" mode="text">
    <xsl:choose>
      <!-- An order (令) is numbered without 代字 or year: 第12号. -->
      <xsl:when test="not(@code)">第<xsl:value-of select="number(@seq)"/>号</xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="@code"/>
        <xsl:text>〔</xsl:text><xsl:value-of select="number(@year)"/><xsl:text>〕</xsl:text>
        <xsl:value-of select="number(@seq)"/><xsl:text>号</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="s:title">
    <para before="{$title-below-rule}" face="title" size="{$title-size}" align="center" balance="yes"
          keep-with-next="yes" outline-level="0">
      <xsl:call-template name="src"/>
      <xsl:apply-templates/>
    </para>
  </xsl:template>
  <xsl:template match="s:title/s:br"><br/></xsl:template>
  <!-- The title as one string (the PDF's title, bookmarks, the 附件说明): source line breaks
       joined as in print, <br/> dropped. -->
  <xsl:template match="s:title" mode="plain">
    <xsl:for-each select="text()">
      <xsl:call-template name="join-lines"><xsl:with-param name="s" select="."/></xsl:call-template>
    </xsl:for-each>
  </xsl:template>

  <!-- 题注: on the line right under the title (the document's or an attachment's), centred in
       楷体 三号, printed as written (the author writes its parentheses); a long one wraps, each
       line centred. The text follows one blank line under it, as under a title. -->
  <xsl:template match="s:title-note">
    <para before="{$title-note-below-title}" face="{$title-note-face}" size="{$title-note-size}"
          align="center" balance="yes" grid="yes" keep-with-next="yes">
      <xsl:call-template name="src"/>
      <xsl:value-of select="."/>
    </para>
  </xsl:template>

  <!-- 主送机关 (§7.3.2): one blank line below the title (or its 题注), flush left, ending with a
       full-width colon. An attachment's own addressee (an attached 请示 or 报告) is set the same
       way but stays where it is. -->
  <xsl:template match="s:addressee">
    <para before="{$text-below-title}" align="justify" grid="yes">
      <!-- So many addressees that no text would begin on the first page: they move to the
           colophon (§7.3.2, §7.4.2), made for them when the source has none. -->
      <xsl:if test="parent::s:document and not($format = 'letter')">
        <xsl:attribute name="fallback">addressee</xsl:attribute>
      </xsl:if>
      <xsl:call-template name="src"/>
      <xsl:value-of select="."/>
      <xsl:if test="substring(., string-length(.)) != '：'">：</xsl:if>
    </para>
  </xsl:template>

  <!-- 正文 -->
  <xsl:template match="s:body">
    <xsl:apply-templates/>
  </xsl:template>

  <xsl:template match="s:chapter|s:section">
    <xsl:variable name="face">
      <xsl:choose>
        <xsl:when test="self::s:chapter"><xsl:value-of select="$chapter-face"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$section-face"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="label"><xsl:apply-templates select="." mode="number"/></xsl:variable>
    <para align="center" face="{$face}" grid="yes" keep-with-next="yes"
          outline-level="{count(ancestor::s:chapter) + 1}" outline-title="{$label}　{normalize-space(s:heading)}">
      <xsl:call-template name="start-space"/>
      <xsl:call-template name="src"/>
      <xsl:value-of select="$label"/>
      <xsl:text>　</xsl:text>
      <xsl:apply-templates select="s:heading/node()"/>
    </para>
    <xsl:apply-templates select="s:section|s:article"/>
  </xsl:template>

  <xsl:template match="s:article">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- The first paragraph of an article carries its number: 第X条, a full-width space, the text;
       with article-style="ordinal" (on the document, or on the attachment it stands in) 一、 and
       the text, without a space. -->
  <xsl:template match="s:article/s:p[1]">
    <xsl:variable name="style"><xsl:apply-templates select=".." mode="style"/></xsl:variable>
    <xsl:choose>
      <xsl:when test="$style = 'ordinal'"><xsl:call-template name="ordinal-article-p"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="tiao-article-p"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="tiao-article-p">
    <xsl:variable name="label"><xsl:apply-templates select=".." mode="number"/></xsl:variable>
    <para indent="{$para-indent}" align="justify" grid="yes"
          outline-level="{count(ancestor::s:chapter|ancestor::s:section) + 1}"
          outline-title="{$label}">
      <xsl:call-template name="start-space"><xsl:with-param name="owner" select=".."/></xsl:call-template>
      <xsl:attribute name="outline-title">
        <xsl:variable name="rendered"><xsl:apply-templates/></xsl:variable>
        <xsl:variable name="text" select="normalize-space($rendered)"/>
        <xsl:value-of select="concat($label, '　', substring($text, 1, $outline-text-length))"/>
        <xsl:if test="string-length($text) &gt; $outline-text-length">…</xsl:if>
      </xsl:attribute>
      <xsl:call-template name="src"/>
      <span face="{$article-label-face}"><xsl:value-of select="$label"/></span>
      <xsl:text>　</xsl:text>
      <xsl:apply-templates/>
    </para>
  </xsl:template>

  <xsl:template name="ordinal-article-p">
    <xsl:variable name="n"><xsl:apply-templates select=".." mode="index"/></xsl:variable>
    <xsl:variable name="label">
      <xsl:call-template name="cn-number"><xsl:with-param name="n" select="number($n)"/></xsl:call-template>
      <xsl:text>、</xsl:text>
    </xsl:variable>
    <para indent="{$para-indent}" align="justify" grid="yes"
          outline-level="{count(ancestor::s:chapter|ancestor::s:section) + 1}">
      <xsl:call-template name="start-space"><xsl:with-param name="owner" select=".."/></xsl:call-template>
      <xsl:attribute name="outline-title">
        <xsl:variable name="rendered"><xsl:apply-templates/></xsl:variable>
        <xsl:variable name="text" select="normalize-space($rendered)"/>
        <xsl:value-of select="concat($label, substring($text, 1, $outline-text-length))"/>
        <xsl:if test="string-length($text) &gt; $outline-text-length">…</xsl:if>
      </xsl:attribute>
      <xsl:call-template name="src"/>
      <span face="{$article-label-face}"><xsl:value-of select="$label"/></span>
      <xsl:apply-templates/>
    </para>
  </xsl:template>

  <!-- The first paragraph of an item carries its number: （一） for 项, 1． for 目. -->
  <xsl:template match="s:item/s:p[1]">
    <para indent="{$para-indent}" align="justify" grid="yes">
      <xsl:call-template name="src"/>
      <xsl:apply-templates select=".." mode="number"/>
      <xsl:apply-templates/>
    </para>
  </xsl:template>

  <xsl:template match="s:p">
    <para indent="{$para-indent}" align="justify" grid="yes">
      <xsl:call-template name="start-space"/>
      <xsl:call-template name="src"/>
      <xsl:apply-templates/>
    </para>
  </xsl:template>

  <xsl:template match="s:item">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- Headings of notices and opinions (§7.3.3): 一、 in 黑体 on a line of its own; （一） in 楷体,
       1． and （1） in 仿宋, each run in with the first paragraph under it. A 一、 without a heading
       whose first child is a paragraph runs into it: 一、 in 黑体, then the text in the body face. -->
  <xsl:template match="s:point">
    <xsl:variable name="level" select="count(ancestor-or-self::s:point)"/>
    <xsl:variable name="label"><xsl:apply-templates select="." mode="number"/></xsl:variable>
    <xsl:variable name="first-p" select="s:p[1][not(preceding-sibling::s:point)]"/>
    <xsl:choose>
      <xsl:when test="$level = 1 and not(s:heading) and *[1][self::s:p]">
        <para indent="{$para-indent}" align="justify" grid="yes" outline-level="1">
          <xsl:call-template name="start-space"/>
          <xsl:attribute name="outline-title">
            <xsl:variable name="rendered"><xsl:apply-templates select="s:p[1]/node()"/></xsl:variable>
            <xsl:variable name="text" select="normalize-space($rendered)"/>
            <xsl:value-of select="concat($label, substring($text, 1, $outline-text-length))"/>
            <xsl:if test="string-length($text) &gt; $outline-text-length">…</xsl:if>
          </xsl:attribute>
          <xsl:call-template name="src"/>
          <span face="{$point1-face}"><xsl:value-of select="$label"/></span>
          <xsl:apply-templates select="s:p[1]/node()"/>
        </para>
        <xsl:apply-templates select="(s:p | s:point | s:table)[position() &gt; 1]"/>
      </xsl:when>
      <xsl:when test="$level = 1">
        <para indent="{$para-indent}" face="{$point1-face}" grid="yes" keep-with-next="yes"
              outline-level="1" outline-title="{$label}{normalize-space(s:heading)}">
          <xsl:call-template name="start-space"/>
          <xsl:call-template name="src"/>
          <xsl:value-of select="$label"/>
          <xsl:apply-templates select="s:heading/node()"/>
        </para>
        <xsl:apply-templates select="s:p | s:point | s:table"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="face">
          <xsl:choose>
            <xsl:when test="$level = 2"><xsl:value-of select="$point2-face"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$point3-face"/></xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <para indent="{$para-indent}" align="justify" grid="yes">
          <xsl:call-template name="start-space"/>
          <xsl:call-template name="src"/>
          <span face="{$face}">
            <xsl:value-of select="$label"/>
            <xsl:apply-templates select="s:heading/node()"/>
          </span>
          <xsl:apply-templates select="$first-p/node()"/>
        </para>
        <xsl:apply-templates select="(s:p | s:point | s:table)[not(count(. | $first-p) = count($first-p))]"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="s:point" mode="number">
    <xsl:variable name="n" select="count(preceding-sibling::s:point) + 1"/>
    <xsl:variable name="level" select="count(ancestor-or-self::s:point)"/>
    <xsl:choose>
      <xsl:when test="$level = 1">
        <xsl:call-template name="cn-number"><xsl:with-param name="n" select="$n"/></xsl:call-template>
        <xsl:text>、</xsl:text>
      </xsl:when>
      <xsl:when test="$level = 2">
        <xsl:text>（</xsl:text>
        <xsl:call-template name="cn-number"><xsl:with-param name="n" select="$n"/></xsl:call-template>
        <xsl:text>）</xsl:text>
      </xsl:when>
      <xsl:when test="$level = 3"><xsl:value-of select="$n"/><xsl:text>．</xsl:text></xsl:when>
      <xsl:otherwise>（<xsl:value-of select="$n"/>）</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The first block of the text (of the body, or of an attachment) stands one blank line
       below the title; right below the addressees when they stand between; two lines below an
       order's number (§10.2). `owner` is the unit whose first block this is. -->
  <xsl:template name="start-space">
    <xsl:param name="owner" select="."/>
    <xsl:variable name="container" select="$owner/ancestor::s:body | $owner/ancestor::s:attachment"/>
    <!-- The first block in document order is a child of the container (a block's own blocks
         come after it); looking through all descendants costs the square of their number. -->
    <xsl:variable name="first"
        select="$container/*[self::s:p or self::s:point or self::s:chapter or self::s:section or self::s:article or self::s:table][1]"/>
    <xsl:if test="generate-id($first) = generate-id($owner)">
      <xsl:choose>
        <xsl:when test="$container/self::s:body and $doc/s:addressee"/>
        <xsl:when test="$container/self::s:attachment and $container/s:addressee"/>
        <xsl:when test="$container/self::s:body and $format = 'order' and not($doc/s:title)">
          <xsl:attribute name="before"><xsl:value-of select="$order-text-below-number"/></xsl:attribute>
        </xsl:when>
        <xsl:otherwise>
          <xsl:attribute name="before"><xsl:value-of select="$text-below-title"/></xsl:attribute>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:if>
  </xsl:template>

  <!-- Tables: a caption centred above in 黑体, the header rows centred; widths as the source
       gives them, or equal. -->
  <xsl:template match="s:table">
    <xsl:if test="s:caption">
      <para align="center" face="{$table-caption-face}" grid="yes" keep-with-next="yes">
        <xsl:if test="@orientation = 'landscape'"><xsl:attribute name="landscape">yes</xsl:attribute></xsl:if>
        <xsl:call-template name="start-space"/>
        <xsl:for-each select="s:caption"><xsl:call-template name="src"/></xsl:for-each>
        <xsl:apply-templates select="s:caption/node()"/>
      </para>
    </xsl:if>
    <table size="{$table-size}" rule="{$table-rule}" padding="{$table-padding}" pitch="{$table-pitch}">
      <xsl:if test="@orientation = 'landscape'"><xsl:attribute name="landscape">yes</xsl:attribute></xsl:if>
      <xsl:if test="not(s:caption)"><xsl:call-template name="start-space"/></xsl:if>
      <xsl:call-template name="src"/>
      <xsl:attribute name="widths">
        <xsl:choose>
          <xsl:when test="@widths"><xsl:value-of select="@widths"/></xsl:when>
          <xsl:otherwise>
            <xsl:for-each select="(s:head/s:row | s:row)">
              <xsl:sort select="sum(s:cell/@span) + count(s:cell[not(@span)])" data-type="number" order="descending"/>
              <xsl:if test="position() = 1">
                <xsl:call-template name="ones">
                  <xsl:with-param name="n" select="sum(s:cell/@span) + count(s:cell[not(@span)])"/>
                </xsl:call-template>
              </xsl:if>
            </xsl:for-each>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:for-each select="s:head/s:row">
        <tr header="yes"><xsl:call-template name="src"/><xsl:apply-templates select="s:cell"><xsl:with-param name="align" select="'center'"/></xsl:apply-templates></tr>
      </xsl:for-each>
      <xsl:for-each select="s:row">
        <tr><xsl:call-template name="src"/><xsl:apply-templates select="s:cell"/></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template match="s:table/s:caption//text() | s:cell//text()">
    <xsl:call-template name="join-lines"><xsl:with-param name="s" select="."/></xsl:call-template>
  </xsl:template>

  <xsl:template match="s:cell">
    <xsl:param name="align" select="'left'"/>
    <td align="{$align}">
      <xsl:if test="@span"><xsl:attribute name="span"><xsl:value-of select="@span"/></xsl:attribute></xsl:if>
      <xsl:apply-templates/>
    </td>
  </xsl:template>

  <xsl:template name="ones">
    <xsl:param name="n"/>
    <xsl:if test="$n &gt; 0">
      <xsl:text>1</xsl:text>
      <xsl:if test="$n &gt; 1"><xsl:text> </xsl:text></xsl:if>
      <xsl:call-template name="ones"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- 附件说明 (§7.3.4): one blank line below the text, two characters in: 附件：1．name, a long name
       wrapping under its own first character, no closing punctuation. -->
  <xsl:template name="attachment-list">
    <!-- Only labelled attachments: an enclosed document (label="no") is not listed. -->
    <xsl:variable name="many" select="count(s:attachment[not(@label = 'no')]) &gt; 1"/>
    <xsl:for-each select="s:attachment[not(@label = 'no')]">
      <xsl:variable name="n" select="position()"/>
      <xsl:variable name="label">
        <xsl:if test="$many"><xsl:value-of select="$n"/>．</xsl:if>
      </xsl:variable>
      <!-- The label's width in grid characters: digits are half-width. -->
      <xsl:variable name="label-ch">
        <xsl:choose>
          <xsl:when test="$many"><xsl:value-of select="string-length($n) * 0.5 + 1"/></xsl:when>
          <xsl:otherwise>0</xsl:otherwise>
        </xsl:choose>
      </xsl:variable>
      <para align="justify" grid="yes">
        <xsl:call-template name="src"/>
        <xsl:choose>
          <xsl:when test="$n = 1">
            <xsl:attribute name="before"><xsl:value-of select="$attachments-below-text"/></xsl:attribute>
            <xsl:attribute name="left"><xsl:value-of select="$para-indent"/></xsl:attribute>
            <xsl:attribute name="hang"><xsl:value-of select="concat(3 + $label-ch, 'ch')"/></xsl:attribute>
            <xsl:text>附件：</xsl:text>
          </xsl:when>
          <xsl:otherwise>
            <xsl:attribute name="left"><xsl:value-of select="concat(2 + 3, 'ch')"/></xsl:attribute>
            <xsl:attribute name="hang"><xsl:value-of select="concat($label-ch, 'ch')"/></xsl:attribute>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:value-of select="$label"/>
        <xsl:apply-templates select="s:title" mode="plain"/>
      </para>
    </xsl:for-each>
  </xsl:template>

  <!-- 附件 (§7.3.8): each from a new page; 附件N in 黑体 on the first line, the title centred on
       the third; the pages are numbered on from the text. An enclosed document (label="no": the
       regulation that a 印发 notice issues, the 请示 that a 转发 notice forwards) has no 附件N:
       its title stands on the page's first line, and is its bookmark. Then the 题注, the
       attachment's own addressee, its text and its own closing, each set as the document's. -->
  <xsl:template match="s:attachment[@label = 'no']">
    <para break-before="page" face="title" size="{$title-size}" align="center" balance="yes"
          keep-with-next="yes" outline-level="1">
      <xsl:attribute name="outline-title"><xsl:apply-templates select="s:title" mode="plain"/></xsl:attribute>
      <xsl:call-template name="src"/>
      <xsl:apply-templates select="s:title/node()"/>
    </para>
    <xsl:apply-templates select="*[not(self::s:title)]"/>
  </xsl:template>

  <xsl:template match="s:attachment">
    <para break-before="page" face="hei" grid="yes" outline-level="1">
      <xsl:attribute name="outline-title">
        <xsl:call-template name="attachment-label"/>
        <xsl:text>　</xsl:text>
        <xsl:apply-templates select="s:title" mode="plain"/>
      </xsl:attribute>
      <xsl:call-template name="src"/>
      <xsl:call-template name="attachment-label"/>
    </para>
    <para before="{$attachment-title-below-label}" face="title" size="{$title-size}" align="center"
          balance="yes" keep-with-next="yes">
      <xsl:for-each select="s:title"><xsl:call-template name="src"/></xsl:for-each>
      <xsl:apply-templates select="s:title/node()"/>
    </para>
    <xsl:apply-templates select="*[not(self::s:title)]"/>
  </xsl:template>
  <xsl:template match="s:attachment/s:title/s:br"><br/></xsl:template>

  <!-- 附件N counts the labelled attachments only; 附件 alone when there is one. -->
  <xsl:template name="attachment-label">
    <xsl:text>附件</xsl:text>
    <xsl:if test="count(../s:attachment[not(@label = 'no')]) &gt; 1">
      <xsl:value-of select="count(preceding-sibling::s:attachment[not(@label = 'no')]) + 1"/>
    </xsl:if>
  </xsl:template>

  <!-- 纪要 (§10.3): 出席, 请假, 列席 one blank line below the text, two characters in, the label in
       黑体, the names in 仿宋, wrapping under the first name. -->
  <xsl:template match="s:attendance">
    <xsl:for-each select="*">
      <para left="{$para-indent}" hang="3ch" align="justify" grid="yes">
        <xsl:if test="position() = 1">
          <xsl:attribute name="before"><xsl:value-of select="$attachments-below-text"/></xsl:attribute>
        </xsl:if>
        <xsl:call-template name="src"/>
        <span face="hei">
          <xsl:choose>
            <xsl:when test="self::s:present">出席：</xsl:when>
            <xsl:when test="self::s:absent">请假：</xsl:when>
            <xsl:otherwise>列席：</xsl:otherwise>
          </xsl:choose>
        </span>
        <xsl:value-of select="."/>
      </para>
    </xsl:for-each>
  </xsl:template>

  <!-- 附注 (§7.3.7): in parentheses, two characters in, on the line below the date. -->
  <xsl:template match="s:note">
    <para indent="{$para-indent}" align="justify" grid="yes">
      <xsl:call-template name="src"/>
      <xsl:text>（</xsl:text><xsl:value-of select="."/><xsl:text>）</xsl:text>
    </para>
  </xsl:template>

  <!-- Numbers of units, generated from their place in the structure. -->
  <xsl:template match="s:chapter" mode="number">
    <xsl:text>第</xsl:text>
    <xsl:call-template name="cn-number"><xsl:with-param name="n" select="count(preceding-sibling::s:chapter) + 1"/></xsl:call-template>
    <xsl:text>章</xsl:text>
  </xsl:template>
  <xsl:template match="s:section" mode="number">
    <xsl:text>第</xsl:text>
    <xsl:call-template name="cn-number"><xsl:with-param name="n" select="count(preceding-sibling::s:section) + 1"/></xsl:call-template>
    <xsl:text>节</xsl:text>
  </xsl:template>
  <!-- Articles are numbered through the body, and afresh in each attachment. A reference prints
       第X条 whatever the article style: an ordinal article (一、) is cited by its place as well. -->
  <xsl:template match="s:article" mode="number">
    <xsl:text>第</xsl:text>
    <xsl:variable name="n"><xsl:apply-templates select="." mode="index"/></xsl:variable>
    <xsl:call-template name="cn-number"><xsl:with-param name="n" select="number($n)"/></xsl:call-template>
    <xsl:text>条</xsl:text>
  </xsl:template>
  <xsl:template match="s:article" mode="index">
    <xsl:choose>
      <!-- gongwen has counted them (gw:index): counting here costs the square of their number -->
      <xsl:when test="@gw:index"><xsl:value-of select="@gw:index"/></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="container" select="generate-id(ancestor::s:body | ancestor::s:attachment)"/>
        <xsl:value-of select="count(preceding::s:article[generate-id(ancestor::s:body | ancestor::s:attachment) = $container]) + 1"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <!-- tiao (第一条, the default) or ordinal (一、): the attachment's own article-style in an
       attachment, the document's in the body. -->
  <xsl:template match="s:article" mode="style">
    <xsl:choose>
      <xsl:when test="ancestor::s:attachment"><xsl:value-of select="ancestor::s:attachment/@article-style"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$doc/@article-style"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="s:item" mode="number">
    <xsl:variable name="n" select="count(preceding-sibling::s:item) + 1"/>
    <xsl:choose>
      <xsl:when test="parent::s:item"><xsl:value-of select="$n"/><xsl:text>．</xsl:text></xsl:when>
      <xsl:otherwise>
        <xsl:text>（</xsl:text>
        <xsl:call-template name="cn-number"><xsl:with-param name="n" select="$n"/></xsl:call-template>
        <xsl:text>）</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A cross-reference prints the current number of its target: 第十二条, 第四条第（二）项. -->
  <xsl:template match="s:ref">
    <xsl:variable name="target" select="key('unit', @to)"/>
    <xsl:choose>
      <xsl:when test="not($target)">
        <xsl:message terminate="yes"><xsl:value-of select="@gw:line"/>: reference to "<xsl:value-of select="@to"/>", which no chapter, section, article, item or attachment has as its id (a point's number cannot be cited)</xsl:message>
      </xsl:when>
      <xsl:when test="$target/self::s:attachment[@label = 'no']">
        <xsl:message terminate="yes"><xsl:value-of select="@gw:line"/>: reference to "<xsl:value-of select="@to"/>", an enclosed document (label="no"), which has no 附件 number to print; name it in the text</xsl:message>
      </xsl:when>
      <xsl:when test="$target/self::s:attachment">
        <xsl:for-each select="$target"><xsl:call-template name="attachment-label"/></xsl:for-each>
      </xsl:when>
      <xsl:when test="$target/self::s:item and not($target/parent::s:item)">
        <xsl:apply-templates select="$target/parent::*" mode="number"/>
        <xsl:text>第</xsl:text>
        <xsl:apply-templates select="$target" mode="number"/>
        <xsl:text>项</xsl:text>
      </xsl:when>
      <xsl:when test="$target/self::s:item">
        <xsl:apply-templates select="$target/../parent::*" mode="number"/>
        <xsl:text>第</xsl:text>
        <xsl:apply-templates select="$target/parent::*" mode="number"/>
        <xsl:text>项第</xsl:text>
        <xsl:value-of select="count($target/preceding-sibling::s:item) + 1"/>
        <xsl:text>目</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="$target" mode="number"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 发文机关署名, 成文日期 and 印章 (§7.3.5), in its three cases. Signature and date never stand
       alone on a page (§7.3.5.5): the last lines of the text go with them. -->
  <xsl:template match="s:closing">
    <xsl:choose>
      <xsl:when test="s:signatory"><xsl:call-template name="closing-signatory"/></xsl:when>
      <xsl:when test="s:seal and count(s:signature) &gt; 1"><xsl:call-template name="closing-joint-sealed"/></xsl:when>
      <xsl:when test="s:seal"><xsl:call-template name="closing-sealed"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="closing-plain"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="date-para">
    <xsl:param name="shift" select="''"/>
    <para grid="yes">
      <xsl:if test="$shift != ''"><xsl:attribute name="shift"><xsl:value-of select="$shift"/></xsl:attribute></xsl:if>
      <xsl:for-each select="s:date"><xsl:call-template name="src"/></xsl:for-each>
      <xsl:call-template name="date"><xsl:with-param name="iso" select="s:date"/></xsl:call-template>
    </para>
  </xsl:template>

  <!-- Without a seal (§7.3.5.2): the signature one blank line below the text, two characters in
       from the right; the date below it, starting two characters right of its first character;
       a date longer than the signature stays two characters in, and the signature moves left. -->
  <xsl:template name="closing-plain">
    <group before="{$signature-below-text}" align="right" inset="{$signature-inset}" keep-together="yes"
           keep-with-previous="yes">
      <xsl:call-template name="src"/>
      <xsl:for-each select="s:signature">
        <para grid="yes"><xsl:call-template name="src"/><xsl:value-of select="."/></para>
      </xsl:for-each>
      <xsl:call-template name="date-para">
        <xsl:with-param name="shift" select="$date-shift"/>
      </xsl:call-template>
    </group>
  </xsl:template>

  <!-- With a seal (§7.3.5.1): the date four characters in from the right, the signature centred
       above it, the seal centred over both, a little above their middle (the signature and the
       date lie slightly below the seal's centre), its top within one line of the text. -->
  <xsl:template name="closing-sealed">
    <xsl:variable name="diameter" select="number(substring-before(s:seal/@width, 'mm'))"/>
    <xsl:variable name="height">
      <xsl:choose>
        <xsl:when test="s:seal/@height"><xsl:value-of select="number(substring-before(s:seal/@height, 'mm'))"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$diameter"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="ln" select="number(substring-before($area-height, 'mm')) div $lines-per-page"/>
    <!-- The seal's centre this far below the top of the signature's line cell. -->
    <xsl:variable name="centre" select="$ln * $seal-centre-lines"/>
    <xsl:variable name="gap" select="$ln * $seal-top-below-text"/>
    <group before="{format-number($gap + $height div 2 - $centre, '0.###')}mm" align="right"
           inset="{$sealed-date-inset}" center-on="last" keep-together="yes" keep-with-previous="yes">
      <xsl:call-template name="src"/>
      <xsl:for-each select="s:signature">
        <para grid="yes"><xsl:call-template name="src"/><xsl:value-of select="."/></para>
      </xsl:for-each>
      <xsl:call-template name="date-para"/>
      <image src="{s:seal/@src}" width="{$diameter}mm" height="{$height}mm" blend="multiply"
             top="{format-number($centre - $height div 2, '0.###')}mm">
        <xsl:for-each select="s:seal"><xsl:call-template name="src"/></xsl:for-each>
      </image>
    </group>
  </xsl:template>

  <!-- Joint issuance with seals (§7.3.5.1): the signatures side by side in the organs' order,
       at most three a row in equal shares of the line, each under its own seal, pressed
       centred; the date under the last signature, the last seal pressing both; the seals
       never touch: a further row begins below the seals above it; the first row's seals top
       within one line of the text. -->
  <xsl:template name="closing-joint-sealed">
    <xsl:variable name="ln" select="number(substring-before($area-height, 'mm')) div $lines-per-page"/>
    <xsl:variable name="centre" select="$ln * $seal-centre-lines"/>
    <xsl:variable name="gap" select="$ln * $seal-top-below-text"/>
    <xsl:variable name="closing" select="."/>
    <xsl:if test="count(s:seal) != count(s:signature)">
      <xsl:message terminate="yes"><xsl:value-of select="@gw:line"/>: a joint closing with seals needs one seal per signature (<xsl:value-of select="count(s:signature)"/> signatures, <xsl:value-of select="count(s:seal)"/> seals)</xsl:message>
    </xsl:if>
    <xsl:for-each select="s:signature[position() mod $joint-seals-per-row = 1]">
      <xsl:variable name="row" select="position()"/>
      <xsl:variable name="first" select="($row - 1) * $joint-seals-per-row + 1"/>
      <!-- The row's tallest seal (height, or width for a round one) reaches highest. -->
      <xsl:variable name="height">
        <xsl:for-each select="$closing/s:seal[position() &gt;= $first and position() &lt; $first + $joint-seals-per-row]">
          <xsl:sort select="number(substring-before(concat(@height, substring(@width, 1, string-length(@width) * not(@height))), 'mm'))"
                    data-type="number" order="descending"/>
          <xsl:if test="position() = 1">
            <xsl:value-of select="number(substring-before(concat(@height, substring(@width, 1, string-length(@width) * not(@height))), 'mm'))"/>
          </xsl:if>
        </xsl:for-each>
      </xsl:variable>
      <!-- One row: the line shared among its seals; more rows: every row in shares of the
           first's widths, a shorter last row set to the right under them. -->
      <columns equal="yes" valign="top" align="right" keep-together="yes">
        <xsl:attribute name="shares">
          <xsl:choose>
            <xsl:when test="count($closing/s:signature) &gt; $joint-seals-per-row"><xsl:value-of select="$joint-seals-per-row"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="count($closing/s:signature)"/></xsl:otherwise>
          </xsl:choose>
        </xsl:attribute>
        <xsl:choose>
          <xsl:when test="$row = 1">
            <xsl:attribute name="keep-with-previous">yes</xsl:attribute>
            <xsl:attribute name="before"><xsl:value-of select="format-number($gap + $height div 2 - $centre, '0.###')"/>mm</xsl:attribute>
          </xsl:when>
          <xsl:otherwise>
            <!-- from the bottom of the seals above (their ink), so that a row of names on
                 two lines does not widen the space -->
            <xsl:attribute name="from">ink</xsl:attribute>
            <xsl:attribute name="before"><xsl:value-of select="format-number(number(substring-before($joint-seal-gap, 'mm')) + $height div 2 - $centre, '0.###')"/>mm</xsl:attribute>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="src"/>
        <xsl:for-each select="$closing/s:signature[position() &gt;= $first and position() &lt; $first + $joint-seals-per-row]">
          <xsl:variable name="i" select="$first + position() - 1"/>
          <xsl:variable name="seal" select="$closing/s:seal[$i]"/>
          <xsl:variable name="w" select="number(substring-before($seal/@width, 'mm'))"/>
          <xsl:variable name="h">
            <xsl:choose>
              <xsl:when test="$seal/@height"><xsl:value-of select="number(substring-before($seal/@height, 'mm'))"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$w"/></xsl:otherwise>
            </xsl:choose>
          </xsl:variable>
          <column>
            <para align="center" grid="yes"><xsl:call-template name="src"/><xsl:value-of select="."/></para>
            <xsl:if test="$i = count($closing/s:signature)">
              <para align="center" grid="yes">
                <xsl:for-each select="$closing/s:date"><xsl:call-template name="src"/></xsl:for-each>
                <xsl:call-template name="date"><xsl:with-param name="iso" select="$closing/s:date"/></xsl:call-template>
              </para>
            </xsl:if>
            <image src="{$seal/@src}" width="{$w}mm" height="{$h}mm" blend="multiply"
                   top="{format-number($centre - $h div 2, '0.###')}mm">
              <xsl:for-each select="$seal"><xsl:call-template name="src"/></xsl:for-each>
            </image>
          </column>
        </xsl:for-each>
      </columns>
    </xsl:for-each>
  </xsl:template>

  <!-- With a signature seal (§7.3.5.3, orders and 议案): the seal two lines below the text, four
       characters in from the right; the signer's title two characters to its left, centred on it;
       the date one blank line below the seal, four characters in. -->
  <xsl:template name="closing-signatory">
    <xsl:variable name="ch" select="number(substring-before($area-width, 'mm')) div $chars-per-line"/>
    <xsl:variable name="ln" select="number(substring-before($area-height, 'mm')) div $lines-per-page"/>
    <xsl:variable name="width">
      <xsl:choose>
        <xsl:when test="s:seal"><xsl:value-of select="number(substring-before(s:seal/@width, 'mm'))"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="string-length(s:signatory) * $ch"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="height">
      <xsl:choose>
        <xsl:when test="s:seal/@height"><xsl:value-of select="number(substring-before(s:seal/@height, 'mm'))"/></xsl:when>
        <xsl:when test="s:seal"><xsl:value-of select="$width"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$ln"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="s:seal">
        <image src="{s:seal/@src}" width="{$width}mm" height="{$height}mm" align="right"
               inset="{$signatory-inset}" before="{$signatory-below-text}" blend="multiply"
               keep-with-previous="yes" keep-with-next="yes">
          <xsl:for-each select="s:seal"><xsl:call-template name="src"/></xsl:for-each>
        </image>
      </xsl:when>
      <xsl:otherwise>
        <!-- No image of the signature seal: the name stands in its place. -->
        <para align="right" right="{$signatory-inset}" before="{$signatory-below-text}" face="kai"
              grid="yes" keep-with-previous="yes" keep-with-next="yes">
          <xsl:for-each select="s:signatory"><xsl:call-template name="src"/></xsl:for-each>
          <xsl:value-of select="s:signatory"/>
        </para>
      </xsl:otherwise>
    </xsl:choose>
    <para align="right" beside="previous" grid="yes" keep-with-next="yes"
          right="{format-number(4 * $ch + $width + 2 * $ch, '0.###')}mm">
      <xsl:for-each select="s:signatory"><xsl:call-template name="src"/></xsl:for-each>
      <xsl:value-of select="s:signatory/@title"/>
    </para>
    <para align="right" right="{$signatory-inset}" before="{$date-below-signatory}" grid="yes">
      <xsl:for-each select="s:date"><xsl:call-template name="src"/></xsl:for-each>
      <xsl:call-template name="date"><xsl:with-param name="iso" select="s:date"/></xsl:call-template>
    </para>
  </xsl:template>

  <xsl:template name="strip-colon">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="substring($s, string-length($s)) = '：'"><xsl:value-of select="substring($s, 1, string-length($s) - 1)"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 2020-01-05 → 2020年1月5日: Arabic numerals, year in full, no padding zeros. -->
  <xsl:template name="date">
    <xsl:param name="iso"/>
    <xsl:value-of select="number(substring($iso, 1, 4))"/><xsl:text>年</xsl:text>
    <xsl:value-of select="number(substring($iso, 6, 2))"/><xsl:text>月</xsl:text>
    <xsl:value-of select="number(substring($iso, 9, 2))"/><xsl:text>日</xsl:text>
  </xsl:template>

  <!-- 版记 (§7.4): anchored to the foot of the last page, its last rule on the bottom edge of the
       type area; thick rules first and last, thin rules between elements. -->
  <xsl:template match="s:colophon">
    <!-- A letter's colophon holds only 主送 and 抄送 (§10.1): none without them. -->
    <xsl:if test="not($format = 'letter') or s:to or s:cc">
      <xsl:apply-templates select="." mode="colophon"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="s:colophon" mode="colophon">
    <colophon size="{$colophon-size}">
      <xsl:attribute name="parity">
        <xsl:choose>
          <!-- A letter's reduced colophon stands at the foot of its last page, whatever it is. -->
          <xsl:when test="$format = 'letter'">any</xsl:when>
          <xsl:otherwise><xsl:value-of select="$colophon-parity"/></xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:if test="$format != 'letter'">
        <rule thickness="{$colophon-thick}" length="{$area-width}"/>
      </xsl:if>
      <xsl:if test="$doc/s:addressee and not($format = 'letter')">
        <xsl:call-template name="colophon-addressee"/>
        <xsl:if test="not(s:cc or s:to)">
          <rule thickness="{$colophon-thin}" length="{$area-width}" when="addressee"/>
        </xsl:if>
      </xsl:if>
      <xsl:if test="s:to">
        <para left="{$colophon-inset}" right="{$colophon-inset}" hang="3em" align="justify">
          <xsl:for-each select="s:to"><xsl:call-template name="src"/></xsl:for-each>
          <xsl:text>主送：</xsl:text><xsl:value-of select="s:to"/>
          <xsl:if test="substring(s:to, string-length(s:to)) != '。'">。</xsl:if>
        </para>
      </xsl:if>
      <xsl:if test="s:cc">
        <para left="{$colophon-inset}" right="{$colophon-inset}" hang="3em" align="justify">
          <xsl:for-each select="s:cc"><xsl:call-template name="src"/></xsl:for-each>
          <xsl:text>抄送：</xsl:text><xsl:value-of select="s:cc"/>
          <xsl:if test="substring(s:cc, string-length(s:cc)) != '。'">。</xsl:if>
        </para>
      </xsl:if>
      <!-- A thin rule parts 主送 and 抄送 from the 印发 line (§7.4.1). -->
      <xsl:if test="(s:to or s:cc) and $format != 'letter'">
        <rule thickness="{$colophon-thin}" length="{$area-width}"/>
      </xsl:if>
      <xsl:if test="$format != 'letter'">
      <row>
        <xsl:for-each select="s:printer"><xsl:call-template name="src"/></xsl:for-each>
        <cell align="left" inset="{$colophon-inset}"><xsl:value-of select="s:printer"/></cell>
        <cell align="right" inset="{$colophon-inset}">
          <xsl:call-template name="date"><xsl:with-param name="iso" select="s:printed"/></xsl:call-template>
          <xsl:text>印发</xsl:text>
        </cell>
      </row>
      <rule thickness="{$colophon-thick}" length="{$area-width}"/>
      </xsl:if>
    </colophon>
  </xsl:template>

  <!-- The addressees as the colophon's 主送, when they moved there. -->
  <xsl:template name="colophon-addressee">
    <para left="{$colophon-inset}" right="{$colophon-inset}" hang="3em" align="justify"
          when="addressee">
      <xsl:for-each select="$doc/s:addressee"><xsl:call-template name="src"/></xsl:for-each>
      <xsl:text>主送：</xsl:text>
      <xsl:call-template name="strip-colon"><xsl:with-param name="s" select="$doc/s:addressee"/></xsl:call-template>
      <xsl:text>。</xsl:text>
    </para>
  </xsl:template>
</xsl:stylesheet>
